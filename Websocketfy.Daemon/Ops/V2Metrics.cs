using System.Globalization;
using System.Text;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Ops;

/// <summary>websocketfy.v2 requests by op and by how they ended (ok, or the error code of their final
/// message). Fixed label sets, one atomic add per request.</summary>
public sealed class V2Metrics
{
    /// <summary>"invalid" counts messages that were not a request (bad_request before an op was known).</summary>
    public static readonly string[] Ops = ["sql", "get", "stat", "cancel", "invalid"];

    public static readonly string[] Outcomes =
    [
        "ok", V2ErrorCode.BadRequest, V2ErrorCode.DuplicateId, V2ErrorCode.TooMany, V2ErrorCode.UnknownId,
        V2ErrorCode.NotFound, V2ErrorCode.MissingPath, V2ErrorCode.BadRange, V2ErrorCode.Changed, V2ErrorCode.Cancelled,
        V2ErrorCode.SirenError, V2ErrorCode.SirenUnavailable, V2ErrorCode.SirenTimeout, V2ErrorCode.SirenClosed, V2ErrorCode.TooLarge,
    ];

    /// <summary>Upper bounds of the message-wait buckets, in chunks (then +Inf).</summary>
    public static readonly long[] WaitBuckets = [0, 1, 2, 4, 8];

    private readonly long[] _requests = new long[Ops.Length * Outcomes.Length];
    private readonly long[] _waits = new long[WaitBuckets.Length + 1];
    private long _waitSum;
    private long _sessions;

    /// <summary>A connection upgraded with the websocketfy.v2 subprotocol.</summary>
    public void SessionStarted() => Interlocked.Increment(ref _sessions);

    public void Request(string op, string outcome)
    {
        int o = Array.IndexOf(Ops, op), r = Array.IndexOf(Outcomes, outcome);
        if (o < 0 || r < 0) throw new ArgumentException($"unknown v2 series {op}/{outcome}");
        Interlocked.Increment(ref _requests[o * Outcomes.Length + r]);
    }

    /// <summary>A text message (start or final) was written after waiting behind <paramref name="chunks"/> chunks
    /// written since it was queued. The scheduler promises at most one: the chunk being written at that moment.</summary>
    public void MessageWaited(long chunks)
    {
        int bucket = 0;
        while (bucket < WaitBuckets.Length && chunks > WaitBuckets[bucket]) bucket++;
        Interlocked.Increment(ref _waits[bucket]);
        Interlocked.Add(ref _waitSum, chunks);
    }

    /// <summary>Messages written so far, and those that waited behind at most <paramref name="chunks"/> chunks
    /// (a bucket bound of <see cref="WaitBuckets"/>).</summary>
    public (long Total, long AtMost) MessageWaits(long chunks)
    {
        long total = 0, atMost = 0;
        for (int i = 0; i < _waits.Length; i++)
        {
            long n = Interlocked.Read(ref _waits[i]);
            total += n;
            if (i < WaitBuckets.Length && WaitBuckets[i] <= chunks) atMost += n;
        }
        return (total, atMost);
    }

    public long Count(string op, string outcome) =>
        Interlocked.Read(ref _requests[Array.IndexOf(Ops, op) * Outcomes.Length + Array.IndexOf(Outcomes, outcome)]);

    /// <summary>Every op with "ok", and the other outcomes once they happened (most pairs never do); the
    /// message-wait histogram.</summary>
    public void Render(StringBuilder text)
    {
        text.Append("# HELP websocketfy_v2_message_wait_chunks Data messages written between a websocketfy.v2 text message (start or final) being queued and written.\n")
            .Append("# TYPE websocketfy_v2_message_wait_chunks histogram\n");
        long cumulative = 0;
        for (int i = 0; i < _waits.Length; i++)
        {
            cumulative += Interlocked.Read(ref _waits[i]);
            string bound = i < WaitBuckets.Length ? WaitBuckets[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            text.Append("websocketfy_v2_message_wait_chunks_bucket{le=\"").Append(bound).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append("websocketfy_v2_message_wait_chunks_sum ").Append(Interlocked.Read(ref _waitSum).ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("websocketfy_v2_message_wait_chunks_count ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP websocketfy_v2_sessions_total Connections that spoke the websocketfy.v2 subprotocol.\n")
            .Append("# TYPE websocketfy_v2_sessions_total counter\n")
            .Append("websocketfy_v2_sessions_total ").Append(Interlocked.Read(ref _sessions).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# HELP websocketfy_v2_requests_total websocketfy.v2 requests by op and outcome (ok or the error code).\n")
            .Append("# TYPE websocketfy_v2_requests_total counter\n");
        for (int o = 0; o < Ops.Length; o++)
        {
            for (int r = 0; r < Outcomes.Length; r++)
            {
                long value = Interlocked.Read(ref _requests[o * Outcomes.Length + r]);
                if (value == 0 && r != 0) continue;
                text.Append("websocketfy_v2_requests_total{op=\"").Append(Ops[o]).Append("\",outcome=\"").Append(Outcomes[r]).Append("\"} ")
                    .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
