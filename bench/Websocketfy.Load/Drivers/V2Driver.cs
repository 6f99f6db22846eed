using System.Diagnostics;
using Websocketfy.Load.Native;
using Websocketfy.Load.Net;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Drivers;

/// <summary>What rounds of concurrent gets (and the queries sent meanwhile) did, latencies in Stopwatch ticks.</summary>
internal sealed record MuxResult(long[] FileLatencies, long[] QueryLatencies, long FileBytes);

/// <summary>
/// websocketfy.v2 on one connection, one thread, blocking reads: each round sends N gets at once (ids
/// 1..N), and, with a query, a SELECT right after them and the next one the moment its reply lands,
/// for as long as files are still streaming. Every message is checked: each get's start, chunk ids,
/// byte count against the start's length, and an "ok": true final. File bytes are dropped in the
/// kernel (recv with MSG_TRUNC) after each chunk's prefix; buffers are allocated once per run.
/// </summary>
internal static class V2Driver
{
    public const int QueryId = 1000;

    /// <param name="gets">All get requests of a round, framed, in one buffer (request i has id i + 1).</param>
    /// <param name="query">The framed sql request with id <see cref="QueryId"/>, or null for files alone.</param>
    public static MuxResult Run(ClientConnection connection, byte[] gets, int files, byte[]? query, int rounds)
    {
        if (!connection.TakePending().IsEmpty) throw new IOException("unexpected bytes before the first request");
        var reader = new V2FrameReader();
        var buffer = GC.AllocateUninitializedArray<byte>(256 * 1024, pinned: true);
        var fileLatencies = new long[rounds * files];
        var queryLatencies = new List<long>(1024);
        var received = new long[files + 1];
        var expected = new long[files + 1];
        long fileBytes = 0;
        for (int round = 0; round < rounds; round++)
        {
            Array.Clear(received);
            Array.Fill(expected, -1L);
            int pending = files;
            bool queryOut = false;
            long queryStart = 0;
            long start = Stopwatch.GetTimestamp();
            connection.SendAll(gets);
            if (query is not null)
            {
                connection.SendAll(query);
                queryStart = Stopwatch.GetTimestamp();
                queryOut = true;
            }

            void Handle(V2Event ev)
            {
                switch (ev)
                {
                    case V2Event.Chunk:
                        if (reader.Id < 1 || reader.Id > files || expected[reader.Id] < 0)
                            throw new IOException($"a data message for id {reader.Id}, which has no get started");
                        received[reader.Id] += reader.ChunkBytes;
                        break;
                    case V2Event.Start:
                        if (reader.Id < 1 || reader.Id > files) throw new IOException($"a start for id {reader.Id}, which was not asked");
                        expected[reader.Id] = reader.Length;
                        break;
                    case V2Event.Final when reader.Id == QueryId:
                        if (!reader.Ok) throw new IOException($"the query failed: {reader.ErrorCode}");
                        long now = Stopwatch.GetTimestamp();
                        queryLatencies.Add(now - queryStart);
                        queryOut = false;
                        if (query is not null && pending > 0)
                        {
                            connection.SendAll(query);
                            queryStart = Stopwatch.GetTimestamp();
                            queryOut = true;
                        }
                        break;
                    case V2Event.Final:
                        int id = reader.Id;
                        if (id < 1 || id > files) throw new IOException($"a final message for id {id}, which was not asked");
                        if (!reader.Ok) throw new IOException($"get {id} failed: {reader.ErrorCode}");
                        if (received[id] != expected[id])
                            throw new IOException($"get {id} ended after {received[id]} bytes; its start announced {expected[id]}");
                        fileLatencies[round * files + pending - 1] = Stopwatch.GetTimestamp() - start;
                        fileBytes += received[id];
                        pending--;
                        break;
                }
            }

            while (pending > 0 || queryOut)
            {
                if (reader.Skippable >= BlockingDriver.SkipThreshold && !connection.IsTls)
                {
                    long dropped = Libc.Discard(connection.Fd, reader.Skippable);
                    if (dropped <= 0) throw new IOException(dropped == 0 ? "the server closed the connection" : $"recv failed: errno {-dropped}");
                    Handle(reader.Skip(dropped));
                    continue;
                }
                int n = connection.Receive(buffer);
                if (n == 0) throw new IOException("the server closed the connection");
                int offset = 0;
                while (offset < n)
                {
                    var ev = reader.Feed(buffer.AsSpan(offset, n - offset), out int used);
                    offset += used;
                    if (ev != V2Event.None) Handle(ev);
                    if (pending == 0 && !queryOut && offset < n) throw new IOException("bytes after the round's last reply");
                }
            }
        }
        return new MuxResult(fileLatencies, queryLatencies.ToArray(), fileBytes);
    }
}
