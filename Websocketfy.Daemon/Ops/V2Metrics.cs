using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// websocketfy.v2 requests by op and by how they ended (ok, or the error code of their final message), how
/// long they took by op, and how many chunks each start or final message waited behind. Fixed label sets,
/// an atomic add or two per request, rendered in the same exposition as the classic command series.
/// </summary>
internal sealed class V2Metrics
{
    /// <summary>"invalid" counts messages that were not a request (bad_request before an op was known).</summary>
    public static readonly string[] Ops = ["sql", "get", "stat", "cancel", "invalid"];

    public static readonly string[] Outcomes =
    [
        "ok", V2ErrorCode.BadRequest, V2ErrorCode.DuplicateId, V2ErrorCode.TooMany, V2ErrorCode.UnknownId,
        V2ErrorCode.NotFound, V2ErrorCode.MissingPath, V2ErrorCode.BadRange, V2ErrorCode.Changed, V2ErrorCode.Cancelled,
        V2ErrorCode.SirenError, V2ErrorCode.SirenUnavailable, V2ErrorCode.SirenTimeout, V2ErrorCode.SirenClosed, V2ErrorCode.TooLarge,
        V2ErrorCode.PermissionDenied,
    ];

    private readonly long[] _requests = new long[Ops.Length * Outcomes.Length];
    private readonly Histogram[] _durations = [.. Ops.Select(_ => Histogram.ForDurations())];
    // Chunks a text message waited behind: the scheduler promises at most one (the chunk being written).
    private readonly Histogram _messageWaits = new([0, 1, 2, 4, 8], rawPerUnit: 1);
    private long _sessions;

    /// <summary>A connection upgraded with the websocketfy.v2 subprotocol.</summary>
    public void SessionStarted() => Interlocked.Increment(ref _sessions);

    /// <summary>A request's final message was decided: its outcome, and its time from arrival.</summary>
    public void Request(string op, string outcome, TimeSpan elapsed)
    {
        int o = Array.IndexOf(Ops, op), r = Array.IndexOf(Outcomes, outcome);
        if (o < 0 || r < 0) throw new ArgumentException($"unknown v2 series {op}/{outcome}");
        Interlocked.Increment(ref _requests[o * Outcomes.Length + r]);
        _durations[o].Observe(elapsed);
    }

    /// <summary>A start or final message was written after <paramref name="chunks"/> chunks written since it was queued.</summary>
    public void MessageWaited(long chunks) => _messageWaits.Observe(chunks);

    /// <summary>Messages written so far, and those that waited behind at most one chunk.</summary>
    public (long Total, long AtMostOne) MessageWaits()
    {
        var (cumulative, _) = _messageWaits.Read();
        return (cumulative[^1], cumulative[1]);
    }

    public long Count(string op, string outcome) =>
        Interlocked.Read(ref _requests[Array.IndexOf(Ops, op) * Outcomes.Length + Array.IndexOf(Outcomes, outcome)]);

    /// <summary>Every op with "ok", the other outcomes once they happened (most pairs never do).</summary>
    public void Render(PrometheusWriter text)
    {
        text.Counter("websocketfy_v2_sessions_total", "Connections that spoke the websocketfy.v2 subprotocol.", Interlocked.Read(ref _sessions));
        text.Family("websocketfy_v2_requests_total", "counter", "websocketfy.v2 requests by op and outcome (ok, or the error code of the final message).");
        for (int o = 0; o < Ops.Length; o++)
        {
            for (int r = 0; r < Outcomes.Length; r++)
            {
                long value = Interlocked.Read(ref _requests[o * Outcomes.Length + r]);
                if (value != 0 || r == 0) text.Sample("websocketfy_v2_requests_total", value, ("op", Ops[o]), ("outcome", Outcomes[r]));
            }
        }
        text.Family("websocketfy_v2_request_duration_seconds", "histogram",
                    "Time from a websocketfy.v2 request's arrival to its final message being decided, by op (a get includes the client's reading).");
        for (int o = 0; o < Ops.Length; o++)
            text.Histogram("websocketfy_v2_request_duration_seconds", _durations[o], "op", Ops[o]);
        text.Family("websocketfy_v2_message_wait_chunks", "histogram",
                    "Data messages written between a websocketfy.v2 start or final message being queued and written (at most 1 by design).");
        text.Histogram("websocketfy_v2_message_wait_chunks", _messageWaits);
    }
}
