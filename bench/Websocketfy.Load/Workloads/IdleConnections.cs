using System.Diagnostics;
using System.Net;
using Websocketfy.Load.Drivers;
using Websocketfy.Load.Measure;
using Websocketfy.Load.Net;

namespace Websocketfy.Load.Workloads;

/// <summary>
/// W5: opens many connections (WebSocket upgraded, or plain TCP to nginx), holds them idle, takes
/// the server's resident memory, then proves every one is still open with one round trip each.
/// </summary>
internal static class IdleConnections
{
    public static int Run(Options options)
    {
        var (result, dialect, target, window) = Measurement.Read(options);
        int count = options.Int("connections");
        int holdSeconds = options.Int("hold");
        int sources = options.Int("sources", 8);
        int threads = options.Int("threads", 1);
        options.CheckAllRead();

        // 127.0.0.2, 127.0.0.3, ...: each source address has its own ephemeral port range.
        var sourceAddresses = Enumerable.Range(2, Math.Max(1, sources)).Select(i => new IPAddress([127, 0, 0, (byte)i])).ToArray();
        var opened = new ClientConnection?[count];
        try
        {
            window.Begin();
            long connectStart = Stopwatch.GetTimestamp();
            // Several connecting threads: the upgrade is a blocking round trip, and a server accepts in parallel.
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                var connection = ClientConnection.Connect(target, sourceAddresses[i % sourceAddresses.Length]);
                opened[i] = connection;
                dialect.Open(connection);
            });
            double connectSeconds = Stopwatch.GetElapsedTime(connectStart).TotalSeconds;
            Thread.Sleep(TimeSpan.FromSeconds(holdSeconds));
            window.End(result);

            var check = opened.Select((c, i) => new EpollJob(c!, dialect.Requests(i, count), dialect.NewReader(), 1, dialect.QuickAck)).ToList();
            var answered = EpollDriver.Run(check, threads);
            result.Add("connections", count);
            result.Add("open_after_hold", answered.Latencies.Length);
            result.Add("connect_per_s", count / connectSeconds);
            result.Add("hold_s", holdSeconds);
            Console.WriteLine(result);
            return 0;
        }
        finally
        {
            foreach (var connection in opened) connection?.Dispose();
        }
    }
}
