using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Access;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// The websocketfy.v2 side of a connection (PROTOCOL-V2.md): reads each client message as a request,
/// answers the malformed and refused ones at once without closing, runs the others concurrently (up to
/// v2-max-in-flight), and routes every final message through one <see cref="V2Outbox"/>. The session
/// around it keeps the handshake, receiving, keepalive, limits and the teardown, as for classic clients;
/// requests pass the same permission check and leave the same log and audit lines as classic commands.
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
    // Set when nothing new may start (daemon stop, credential ended): once nothing is in flight, this close follows.
    private (ushort Status, string Reason)? _ending;
    private bool _closePosted;

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
                    // A request that arrives after the credential's end is not run (as a classic command queued behind it).
                    if (_host.CredentialEnded() is { } ended) EndAfterInFlight(CloseStatus.PolicyViolation, ended);
                    // Ending (daemon stop, credential): nothing new starts; what is in flight finishes, then the close.
                    lock (_gate) if (_ending is not null) continue;
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
            await AnswerAsync(new V2Ending("invalid", parsed.ErrorId, bytesIn, V2ErrorCode.BadRequest, parsed.Error), parsed.Error).ConfigureAwait(false);
            return;
        }
        var ending = new V2Ending(request.OpName, request.Id, bytesIn, "", "") { Request = request };
        AccessVerdict access = Check(request);
        ending = ending with { Statement = access.Keyword };
        V2Work? work = null;
        string? refusal = null, message = null;
        lock (_gate)
        {
            if (_inFlight.ContainsKey(request.Id))
            {
                (refusal, message) = (V2ErrorCode.DuplicateId, $"id {request.Id} is already in flight");
            }
            else if (!access.Allowed)
            {
                (refusal, message) = (V2ErrorCode.PermissionDenied, DeniedMessage(request, access));
            }
            else if (request.Op == V2Op.Cancel)
            {
                // Decided below, outside the lock.
            }
            else if (_inFlight.Count + _cancelledRunning.Count >= Context.Options.V2MaxInFlight)
            {
                (refusal, message) = (V2ErrorCode.TooMany, $"{Context.Options.V2MaxInFlight} requests are in flight already (v2-max-in-flight)");
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
        if (refusal == V2ErrorCode.PermissionDenied)
        {
            Context.Metrics.PermissionDenied(access.Needed);
            Context.CommandLog.LogInformation("{Peer} {Identity} (role {Role}) denied: v2 {Op} {Keyword} needs {Permission}", Peer,
                LogText.Escape(_host.Identity.Name), LogText.Escape(_host.Identity.Role), request.OpName, access.Keyword ?? "",
                PermissionNames.NameOf(access.Needed));
        }
        if (refusal is not null)
        {
            await AnswerAsync(ending with { Outcome = refusal, Detail = message! }, message!).ConfigureAwait(false);
            return;
        }
        if (work is null)
        {
            await CancelAsync(request, ending).ConfigureAwait(false);
            return;
        }
        Start(work);
    }

    /// <summary>The classic rules: get and stat need files; sql needs sql-read for SELECT and DESC, sql-write
    /// for the rest (blank and QUIT need nothing: neither reaches SiREN); cancel needs nothing.</summary>
    private AccessVerdict Check(V2Request request)
    {
        var granted = _host.Identity.Permissions;
        return request.Op switch
        {
            V2Op.Sql => CommandAccess.Check(CommandClassifier.Classify(request.Sql).Kind, request.Sql, granted),
            V2Op.Get or V2Op.Stat => CommandAccess.Check(CommandKind.FileRequest, ReadOnlySpan<byte>.Empty, granted),
            _ => new AccessVerdict(true, Permissions.None, null),
        };
    }

    private static string DeniedMessage(V2Request request, AccessVerdict access)
    {
        string what = request.Op != V2Op.Sql ? request.OpName : access.Keyword is { Length: > 0 } keyword ? keyword : "this command";
        return $"Permission denied: {what} needs the {PermissionNames.NameOf(access.Needed)} permission.";
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

    private async ValueTask CancelAsync(V2Request request, V2Ending ending)
    {
        V2Work? target;
        lock (_gate) _inFlight.TryGetValue(request.Target, out target);
        if (target is null || !target.TryClaimFinal())
        {
            string message = $"no request {request.Target} is in flight";
            await AnswerAsync(ending with { Outcome = V2ErrorCode.UnknownId, Detail = message }, message).ConfigureAwait(false);
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
        Ended(target.Ending(V2ErrorCode.Cancelled, $"cancelled by request {request.Id}"));
        Ended(ending with { Outcome = "ok", Detail = $"cancelled {target.Id}" });
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
        Ended(work.Ending(outcome, detail));
        return true;
    }

    private async ValueTask AnswerAsync(V2Ending ending, string message)
    {
        await Outbox.PostAnswerAsync(V2TextMessage.Of(o => V2Replies.Error(o, ending.Id, ending.Outcome, message)), Lifetime).ConfigureAwait(false);
        Ended(ending);
    }

    /// <summary>A request's final message is decided: count it, and log and audit it as classic commands are.</summary>
    private void Ended(V2Ending ending)
    {
        Context.Metrics.V2.Request(ending.Op, ending.Outcome, ending.Elapsed);
        if (Context.CommandLog.IsEnabled(LogLevel.Information))
        {
            CommandLogLine.WriteV2(Context.CommandLog, Peer, LogText.Escape(_host.Identity.Name), ending.Id, ending.Op, ending.BytesIn,
                ending.Elapsed.TotalMilliseconds, ending.Outcome == ending.Detail ? ending.Outcome : $"{ending.Outcome}, {ending.Detail}");
        }
        if (Context.Audit is { } audit) audit.Write(AuditOf(ending));
        bool idle;
        lock (_gate) idle = _inFlight.Count == 0;
        if (idle) _host.SetBusy(false);
        CloseIfEnded();
    }

    private AuditRecord AuditOf(V2Ending ending)
    {
        V2Request? request = ending.Request;
        bool sql = request?.Op == V2Op.Sql;
        return new AuditRecord
        {
            Time = Context.Clock.GetUtcNow() - ending.Elapsed,
            Event = request?.Op switch { V2Op.Sql => "sql", V2Op.Get => "file", V2Op.Stat => "stat", V2Op.Cancel => "cancel", _ => "invalid" },
            Identity = _host.Identity.Name,
            Role = _host.Identity.Role,
            Client = _host.Client,
            RequestId = ending.Id > 0 ? ending.Id : null,
            Outcome = ending.Outcome switch
            {
                "ok" => "ok",
                V2ErrorCode.PermissionDenied => "denied",
                V2ErrorCode.NotFound or V2ErrorCode.MissingPath => "not found",
                V2ErrorCode.Cancelled => "cancelled",
                V2ErrorCode.BadRequest or V2ErrorCode.DuplicateId or V2ErrorCode.TooMany or V2ErrorCode.UnknownId => "refused",
                _ => "failed",
            },
            Detail = ending.Outcome == "ok" ? null : $"{ending.Outcome}: {ending.Detail}",
            Path = request?.Op is V2Op.Get or V2Op.Stat ? request.Path : null,
            Bytes = ending.Bytes,
            Statement = sql ? ending.Statement ?? "" : null,
            SqlSha256 = sql ? Convert.ToHexStringLower(SHA256.HashData(request!.Sql)) : null,
            SqlText = sql && Context.Options.AuditSqlText ? Encoding.UTF8.GetString(request!.Sql) : null,
            DurationMs = ending.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>Daemon shutdown: start nothing new; once nothing is in flight, close with 1001 behind the
    /// messages already queued.</summary>
    public void BeginDrain() => EndAfterInFlight(CloseStatus.GoingAway, "server shutting down");

    /// <summary>Starts nothing new from now on; once nothing is in flight, closes with this status and reason
    /// (the first asked for wins).</summary>
    public void EndAfterInFlight(ushort status, string reason)
    {
        lock (_gate) _ending ??= (status, reason);
        CloseIfEnded();
    }

    private void CloseIfEnded()
    {
        (ushort Status, string Reason) ending;
        lock (_gate)
        {
            if (_ending is not { } asked || _closePosted || _inFlight.Count > 0) return;
            _closePosted = true;
            ending = asked;
        }
        Outbox.Post(new V2CloseMessage(_host, ending.Status, ending.Reason));
    }
}

/// <summary>How a request ended, for the metrics, the log and the audit trail.</summary>
internal sealed record V2Ending(string Op, int Id, int BytesIn, string Outcome, string Detail)
{
    public V2Request? Request { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>File bytes sent, or SiREN reply bytes relayed.</summary>
    public long? Bytes { get; init; }
    /// <summary>sql: the first keyword, as the permission check read it.</summary>
    public string? Statement { get; init; }
}
