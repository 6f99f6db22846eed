using System.Diagnostics;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// One request in flight: from its arrival to its one final message. Whoever claims the final first
/// (the work itself, or a cancel) sends it; everyone else stays silent. Subclasses do the op.
/// </summary>
internal abstract class V2Work : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private int _finalClaimed;

    protected V2Work(V2Connection connection, V2Request request, int bytesIn)
    {
        Connection = connection;
        Request = request;
        BytesIn = bytesIn;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(connection.Lifetime);
    }

    public V2Connection Connection { get; }
    public V2Request Request { get; }
    public int Id => Request.Id;

    /// <summary>Size of the request message, for the log.</summary>
    public int BytesIn { get; }

    /// <summary>Cancelled by a cancel request (where the op can stop) and when the connection ends.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startedAt);

    /// <summary>True once the final message was claimed (sent, queued, or the request was cancelled).</summary>
    public bool IsFinished => Volatile.Read(ref _finalClaimed) != 0;

    /// <summary>Claims the right to send the final message; true for the first caller only.</summary>
    public bool TryClaimFinal() => Interlocked.Exchange(ref _finalClaimed, 1) == 0;

    /// <summary>Runs the op until its final message is posted (a get: until its start message is posted;
    /// the outbox sends its chunks and its end).</summary>
    public abstract Task RunAsync();

    /// <summary>File bytes sent, or SiREN reply bytes relayed, for the audit trail.</summary>
    public long? BytesMoved { get; protected internal set; }

    /// <summary>How the request ended, for the metrics, the log and the audit trail.</summary>
    public V2Ending Ending(string outcome, string detail) =>
        new(Request.OpName, Id, BytesIn, outcome, detail)
        {
            Request = Request,
            Elapsed = Elapsed,
            Bytes = BytesMoved,
            Statement = Request.Op == V2Op.Sql ? Protocol.Commands.SqlKeyword.Read(Request.Sql) : null,
        };

    /// <summary>A cancel took the final: stop what can be stopped.</summary>
    public virtual void OnCancelled()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Posts an error as this request's final message (when it still can).</summary>
    protected void FinishWithError(string code, string message, string detail) =>
        Connection.Finish(this, V2TextMessage.Of(o => V2Replies.Error(o, Id, code, message)), code, detail);

    public virtual void Dispose() => _stop.Dispose();
}
