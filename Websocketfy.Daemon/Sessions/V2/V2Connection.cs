using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// The websocketfy.v2 side of a connection (PROTOCOL-V2.md): reads each client message as a request,
/// answers the malformed ones at once without closing, runs the others concurrently (up to
/// v2-max-in-flight), and routes every final message through one <see cref="V2Outbox"/>. The session
/// around it keeps the handshake, receiving, keepalive, limits and the teardown, as for classic clients.
/// </summary>
internal sealed class V2Connection
{
    /// <summary>Immediate answers (errors, cancels) that may wait unwritten before the dispatcher stops reading.</summary>
    private const int AnswerRoom = 64;

    private readonly IV2Host _host;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, V2Work> _inFlight = [];
    private readonly Dictionary<V2Work, Task> _running = [];
    /// <summary>Cancelled sql requests whose SiREN reply is still being read and dropped.</summary>
    private readonly HashSet<V2Work> _cancelledRunning = [];
    private bool _draining, _closePosted;

    public V2Connection(SessionContext context, FrameSender sender, IV2Host host)
    {
        Context = context;
        _host = host;
        Outbox = new V2Outbox(sender, host, context.Metrics.V2, context.Options.V2ChunkSize, AnswerRoom);
    }

    public SessionContext Context { get; }
    public V2Outbox Outbox { get; }
    public string Peer => _host.Peer;
    public CancellationToken Lifetime => _host.Lifetime;

    /// <summary>Answers requests until the connection ends, then stops everything still running.</summary>
    public async Task RunAsync(ChannelReader<ClientMessage> messages)
    {
        Context.Metrics.V2.SessionStarted();
        Task writing = Outbox.RunAsync(Lifetime);
        try
        {
            await DispatchAsync(messages).ConfigureAwait(false);
            // After a close (1003, drain) requests already running go on until the connection is torn down.
            await Task.Delay(Timeout.Infinite, Lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lifetime.IsCancellationRequested) { }
        finally
        {
            await writing.ConfigureAwait(false);
            Task[] running;
            lock (_gate) running = [.. _running.Values];
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(ChannelReader<ClientMessage> messages)
    {
        while (await messages.WaitToReadAsync(Lifetime).ConfigureAwait(false))
        {
            while (messages.TryRead(out var message))
            {
                try
                {
                    if (message.Opcode != Opcode.Text)
                    {
                        await _host.CloseAsync(CloseStatus.UnsupportedData, "websocketfy.v2 requests are text messages").ConfigureAwait(false);
                        return;
                    }
                    // At shutdown nothing new starts; what is in flight finishes, then 1001.
                    if (_draining) continue;
                    _host.CountRequest();
                    await DispatchAsync(V2RequestParser.Parse(message.Payload.Span), message.Payload.Length).ConfigureAwait(false);
                }
                finally
                {
                    message.Release();
                }
            }
        }
    }

    private async ValueTask DispatchAsync(V2ParseResult parsed, int bytesIn)
    {
        if (parsed.Request is not { } request)
        {
            await AnswerAsync(parsed.ErrorId, "invalid", V2ErrorCode.BadRequest, parsed.Error, bytesIn).ConfigureAwait(false);
            return;
        }
        string op = request.OpName;
        V2Work? work = null;
        string? refusal = null, refusalMessage = null;
        lock (_gate)
        {
            if (_inFlight.ContainsKey(request.Id))
            {
                (refusal, refusalMessage) = (V2ErrorCode.DuplicateId, $"id {request.Id} is already in flight");
            }
            else if (request.Op == V2Op.Cancel)
            {
                // Decided below, outside the lock.
            }
            else if (_inFlight.Count + _cancelledRunning.Count >= Context.Options.V2MaxInFlight)
            {
                (refusal, refusalMessage) = (V2ErrorCode.TooMany, $"{Context.Options.V2MaxInFlight} requests are in flight already (v2-max-in-flight)");
            }
            else
            {
                work = request.Op switch
                {
                    V2Op.Sql => new V2SqlWork(this, request, bytesIn),
                    V2Op.Get => new V2GetWork(this, request, bytesIn),
                    _ => new V2StatWork(this, request, bytesIn),
                };
                _inFlight.Add(request.Id, work);
                _host.SetBusy(true);
            }
        }
        if (refusal is not null)
        {
            await AnswerAsync(request.Id, op, refusal, refusalMessage!, bytesIn).ConfigureAwait(false);
            return;
        }
        if (work is null)
        {
            await CancelAsync(request, bytesIn).ConfigureAwait(false);
            return;
        }
        Start(work);
    }

    private void Start(V2Work work)
    {
        // Registered before it runs, so a cancel finds it running until its task has ended.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _running.Add(work, started.Task);
        _ = Task.Run(async () =>
        {
            try { await work.RunAsync().ConfigureAwait(false); }
            catch (OperationCanceledException) when (Lifetime.IsCancellationRequested) { }
            catch (Exception ex) when (!Lifetime.IsCancellationRequested)
            {
                Context.SessionLog.LogError(ex, "{Peer} v2 request {Id} failed unexpectedly", Peer, work.Id);
                await _host.CloseAsync(CloseStatus.InternalError, "internal error").ConfigureAwait(false);
            }
            catch (Exception) { }
            finally
            {
                lock (_gate)
                {
                    _running.Remove(work);
                    _cancelledRunning.Remove(work);
                }
                // A get's transfer goes on in the outbox; it does not use the work's token.
                work.Dispose();
                started.SetResult();
            }
        });
    }

    private async ValueTask CancelAsync(V2Request request, int bytesIn)
    {
        V2Work? target;
        lock (_gate) _inFlight.TryGetValue(request.Target, out target);
        if (target is null || !target.TryClaimFinal())
        {
            await AnswerAsync(request.Id, "cancel", V2ErrorCode.UnknownId, $"no request {request.Target} is in flight", bytesIn).ConfigureAwait(false);
            return;
        }
        lock (_gate)
        {
            _inFlight.Remove(target.Id);
            // Its SiREN reply is still to be read and dropped: it keeps a place in v2-max-in-flight until then.
            if (target is V2SqlWork && _running.ContainsKey(target)) _cancelledRunning.Add(target);
        }
        target.OnCancelled();
        Outbox.PostCancel(target,
            V2TextMessage.Of(o => V2Replies.Error(o, target.Id, V2ErrorCode.Cancelled, $"cancelled by request {request.Id}")),
            V2TextMessage.Of(o => V2Replies.Ok(o, request.Id)));
        Ended(target, V2ErrorCode.Cancelled, "cancelled");
        Ended("cancel", request.Id, bytesIn, TimeSpan.Zero, "ok", $"cancelled {target.Id}");
    }

    /// <summary>Sends <paramref name="final"/> as the work's final message, unless another final was
    /// claimed first (a cancel); returns whether it was sent.</summary>
    public bool Finish(V2Work work, V2Message final, string outcome, string detail)
    {
        if (!work.TryClaimFinal())
        {
            final.Dispose();
            return false;
        }
        lock (_gate) _inFlight.Remove(work.Id);
        if (!Outbox.Post(final)) final.Dispose();
        Ended(work, outcome, detail);
        return true;
    }

    private void Ended(V2Work work, string outcome, string detail) =>
        Ended(work.Request.OpName, work.Id, work.BytesIn, work.Elapsed, outcome, detail);

    /// <summary>The request's final message is decided: count it, log it as classic commands are logged.</summary>
    private void Ended(string op, int id, int bytesIn, TimeSpan elapsed, string outcome, string detail)
    {
        Context.Metrics.V2.Request(op, outcome);
        Context.CommandLog.LogInformation("{Peer} v2 request {Id} {Op}: {Bytes} bytes in, {Elapsed:0.###} ms, {Outcome}",
            Peer, id, op, bytesIn, elapsed.TotalMilliseconds, outcome == detail ? outcome : $"{outcome}, {detail}");
        bool idle;
        lock (_gate) idle = _inFlight.Count == 0;
        if (idle) _host.SetBusy(false);
        CloseIfDrained();
    }

    private async ValueTask AnswerAsync(int id, string op, string code, string message, int bytesIn)
    {
        await Outbox.PostAnswerAsync(V2TextMessage.Of(o => V2Replies.Error(o, id, code, message)), Lifetime).ConfigureAwait(false);
        Ended(op, id, bytesIn, TimeSpan.Zero, code, message);
    }

    /// <summary>Daemon shutdown: start nothing new; once nothing is in flight, close with 1001 behind the
    /// messages already queued.</summary>
    public void BeginDrain()
    {
        lock (_gate) _draining = true;
        CloseIfDrained();
    }

    private void CloseIfDrained()
    {
        lock (_gate)
        {
            if (!_draining || _closePosted || _inFlight.Count > 0) return;
            _closePosted = true;
        }
        if (!Outbox.Post(new V2CloseMessage(_host, CloseStatus.GoingAway, "server shutting down"))) return;
    }
}
