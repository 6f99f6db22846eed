using Websocketfy.Load.Drivers;
using Websocketfy.Load.Measure;
using Websocketfy.Load.Net;

namespace Websocketfy.Load.Workloads;

/// <summary>
/// The request/reply workloads (W1-W4, W6, R1): C connections each doing N round trips, one in
/// flight. One connection runs on the blocking driver (latency), more on the epoll driver
/// (throughput; latencies are still recorded).
/// </summary>
internal static class RoundTrips
{
    public static int Run(Options options)
    {
        var (result, dialect, target, window) = Measurement.Read(options);
        int connections = options.Int("connections", 1);
        int operations = options.Int("ops");
        int warmup = options.Int("warmup", 0);
        int threads = options.Int("threads", 1);
        options.CheckAllRead();

        var opened = new List<ClientConnection>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                var connection = ClientConnection.Connect(target);
                opened.Add(connection);
                dialect.Open(connection);
            }
            var jobs = opened.Select((c, i) => (Connection: c, Requests: dialect.Requests(i, connections), Reader: dialect.NewReader())).ToList();

            long[] latencies;
            long payload;
            if (connections == 1 && threads == 1)
            {
                var (connection, requests, reader) = jobs[0];
                if (requests.Length != 1) throw new UsageException("one connection takes one request (--path)");
                var buffer = GC.AllocateUninitializedArray<byte>(1024 * 1024, pinned: true);
                BlockingDriver.Run(connection, requests[0], reader, dialect.QuickAck, buffer, new long[warmup]);
                latencies = new long[operations];
                window.Begin();
                payload = BlockingDriver.Run(connection, requests[0], reader, dialect.QuickAck, buffer, latencies);
                window.End(result);
            }
            else
            {
                if (warmup > 0)
                    EpollDriver.Run(jobs.Select(j => new EpollJob(j.Connection, j.Requests, j.Reader, warmup, dialect.QuickAck)).ToList(), threads);
                var measured = jobs.Select(j => new EpollJob(j.Connection, j.Requests, j.Reader, operations, dialect.QuickAck)).ToList();
                window.Begin();
                var run = EpollDriver.Run(measured, threads);
                window.End(result);
                latencies = run.Latencies;
                payload = run.PayloadBytes;
            }

            long total = (long)connections * operations;
            result.Add("connections", connections);
            result.Add("threads", threads);
            result.Add("ops", total);
            result.Add("ops_per_s", total / window.Seconds);
            result.Add("payload_bytes", payload);
            result.Add("mib_per_s", payload / 1048576.0 / window.Seconds);
            result.AddLatencies(latencies);
            Console.WriteLine(result);
            return 0;
        }
        finally
        {
            foreach (var connection in opened) connection.Dispose();
        }
    }
}
