using System.Diagnostics;
using Websocketfy.Load.Native;
using Websocketfy.Load.Net;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Drivers;

/// <summary>
/// The classic protocol's answer to N concurrent downloads: N connections, one thread each (blocking
/// reads), rounds started together (a barrier). Each round a connection sends its file request and,
/// with a query, the SELECT right behind it in the same write: the classic protocol answers in order,
/// so the query's reply waits for the file. File bytes are dropped in the kernel (MSG_TRUNC).
/// </summary>
internal static class ClassicFilesDriver
{
    /// <param name="requests">Per connection: its file request, framed, with the framed query after it when there is one.</param>
    public static MuxResult Run(IReadOnlyList<ClientConnection> connections, byte[][] requests, bool withQuery, int rounds)
    {
        int count = connections.Count;
        var fileLatencies = new long[count][];
        var queryLatencies = new long[count][];
        var bytes = new long[count];
        var failures = new Exception?[count];
        using var barrier = new Barrier(count);
        var threads = new Thread[count];
        for (int c = 0; c < count; c++)
        {
            int index = c;
            fileLatencies[c] = new long[rounds];
            queryLatencies[c] = new long[withQuery ? rounds : 0];
            threads[c] = new Thread(() =>
            {
                try { bytes[index] = Drive(connections[index], requests[index], withQuery, barrier, fileLatencies[index], queryLatencies[index]); }
                catch (Exception ex)
                {
                    failures[index] = ex;
                    barrier.RemoveParticipant(); // the others must not wait for this one at the next round
                }
            }) { IsBackground = true, Name = $"classic-{c}" };
            threads[c].Start();
        }
        foreach (var thread in threads) thread.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            throw new IOException($"a classic connection failed: {failure.Message}", failure);
        return new MuxResult(fileLatencies.SelectMany(l => l).ToArray(), queryLatencies.SelectMany(l => l).ToArray(), bytes.Sum());
    }

    private static long Drive(ClientConnection connection, byte[] request, bool withQuery, Barrier barrier,
                              long[] fileLatencies, long[] queryLatencies)
    {
        if (!connection.TakePending().IsEmpty) throw new IOException("unexpected bytes before the first request");
        var reader = new WsReplyReader(WsCompletion.MessageEnd);
        var buffer = GC.AllocateUninitializedArray<byte>(256 * 1024, pinned: true);
        long fileBytes = 0;
        int messages = withQuery ? 2 : 1;
        for (int round = 0; round < fileLatencies.Length; round++)
        {
            barrier.SignalAndWait();
            long start = Stopwatch.GetTimestamp();
            connection.SendAll(request);
            int done = 0;
            reader.Reset();

            void Completed()
            {
                long elapsed = Stopwatch.GetTimestamp() - start;
                if (done == 0)
                {
                    fileLatencies[round] = elapsed;
                    fileBytes += reader.PayloadBytes;
                }
                else
                {
                    queryLatencies[round] = elapsed;
                }
                done++;
                reader.Reset();
            }

            while (done < messages)
            {
                if (reader.Skippable >= BlockingDriver.SkipThreshold && !connection.IsTls)
                {
                    long dropped = Libc.Discard(connection.Fd, reader.Skippable);
                    if (dropped <= 0) throw new IOException(dropped == 0 ? "the server closed the connection" : $"recv failed: errno {-dropped}");
                    if (reader.Skip(dropped)) Completed();
                    continue;
                }
                int n = connection.Receive(buffer);
                if (n == 0) throw new IOException("the server closed the connection");
                int offset = 0;
                while (offset < n)
                {
                    if (done == messages) throw new IOException("bytes after the round's last reply");
                    offset += reader.Feed(buffer.AsSpan(offset, n - offset), out bool complete);
                    if (complete) Completed();
                }
            }
        }
        return fileBytes;
    }
}
