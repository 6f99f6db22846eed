using System.Diagnostics;
using Websocketfy.Load.Native;
using Websocketfy.Load.Net;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Drivers;

/// <summary>
/// Request, reply, request... on one connection from one thread, with blocking reads: the
/// kernel wakes the thread the moment the reply's bytes land, which is the lowest latency a
/// client can have without burning a core in a poll loop.
/// </summary>
internal static class BlockingDriver
{
    /// <summary>Payload left in a frame or body from which the driver drops bytes instead of reading them.</summary>
    public const long SkipThreshold = 64 * 1024;

    /// <param name="latencies">Receives each round trip in Stopwatch ticks (its length is the count of requests).</param>
    /// <returns>Payload bytes received in all replies.</returns>
    public static long Run(ClientConnection connection, byte[] request, IReplyReader reader, bool quickAck,
                           byte[] buffer, Span<long> latencies)
    {
        if (!connection.TakePending().IsEmpty) throw new IOException("unexpected bytes before the first request");
        long payload = 0;
        for (int i = 0; i < latencies.Length; i++)
        {
            reader.Reset();
            long start = Stopwatch.GetTimestamp();
            connection.SendAll(request);
            while (true)
            {
                if (reader.Skippable >= SkipThreshold && !connection.IsTls)
                {
                    // The rest of a file: the kernel drops it uncopied, so the client's copy does not bound the server.
                    long dropped = Libc.Discard(connection.Fd, reader.Skippable);
                    if (dropped <= 0) throw new IOException(dropped == 0 ? "the server closed the connection" : $"recv failed: errno {-dropped}");
                    if (reader.Skip(dropped)) break;
                    continue;
                }
                if (quickAck) Libc.ArmQuickAck(connection.Fd);
                int n = connection.Receive(buffer);
                if (n == 0) throw new IOException("the server closed the connection");
                int used = reader.Feed(buffer.AsSpan(0, n), out bool complete);
                if (!complete) continue;
                if (used != n) throw new IOException("bytes after the reply (the server answered something not asked)");
                break;
            }
            latencies[i] = Stopwatch.GetTimestamp() - start;
            payload += reader.PayloadBytes;
        }
        return payload;
    }
}
