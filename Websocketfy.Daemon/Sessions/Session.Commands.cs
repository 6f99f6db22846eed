using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Access;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Daemon.Sessions;

internal sealed partial class Session
{
    private volatile bool _commandRunning;
    private volatile bool _draining;
    private int _drainBegun;
    private long _lastActivityAt;

    /// <summary>Answers the queued commands strictly in order, one reply message each (QUIT excepted), and ends
    /// when the queue is empty (the next command starts another loop).</summary>
    /// <param name="previous">The loop before this one: it has stopped taking commands, and awaiting it
    /// (it has ended, or is about to) gives its pooled state back.</param>
    // Once per burst of commands: a pooled state machine instead of an allocation each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunCommandLoopAsync(ValueTask previous)
    {
        var token = _lifetime.Token;
        try
        {
            await previous.ConfigureAwait(false);
            while (_commands!.TryTakeOrEnd(out var message))
            {
                bool goOn;
                _commandRunning = true;
                try
                {
                    // A command that waited in the queue past the credential's end is not run.
                    goOn = _state == SessionState.Open && CredentialEnded() is null && await ExecuteAsync(message, token).ConfigureAwait(false);
                }
                finally
                {
                    message.Release();
                    // In this order: the idle check must never see "not running" with the time of an old activity.
                    Interlocked.Exchange(ref _lastActivityAt, Environment.TickCount64);
                    _commandRunning = false;
                }
                string? ended = CredentialEnded();
                if (goOn && ended is null) continue;
                // The command in flight is answered; then the connection ends if its credential did.
                if (_state == SessionState.Open && ended is not null) await CloseAsync(CloseStatus.PolicyViolation, ended).ConfigureAwait(false);
                return;
            }
            // Every command is answered: a drain that began meanwhile closes now.
            if (_draining) await CloseAsync(CloseStatus.GoingAway, "server shutting down").ConfigureAwait(false);
        }
        catch (FileChangedException)
        {
            // The frame length is on the wire already: only dropping TCP keeps a wrong message from completing.
            Abort("file changed while being sent");
        }
        catch (Exception ex) when (IsConnectionFault(ex))
        {
            Abort(ex is OperationCanceledException && !token.IsCancellationRequested ? "send timeout" : "send failed");
        }
        catch (Exception ex)
        {
            _context.SessionLog.LogError(ex, "{Peer} command failed unexpectedly", _peer);
            await CloseAsync(CloseStatus.InternalError, "internal error").ConfigureAwait(false);
        }
    }

    private int QueuedCommands => _v2Requests?.Reader.Count ?? _commands?.Count ?? 0;

    /// <summary>Runs one command; false when the session must not answer further commands.</summary>
    // Once per command: a pooled state machine instead of an allocation each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ExecuteAsync(ClientMessage message, CancellationToken token)
    {
        _commandCount++;
        var command = CommandClassifier.Classify(message.Payload.Span);
        AccessVerdict access = CommandAccess.Check(command.Kind, message.Payload.Span, _identity.Permissions);
        // Read whether or not an audit log is open now: a reload may open one before this command ends, and the
        // command is audited in the log current when it ends (it had no start time then: 0001-01-01).
        DateTimeOffset startedAt = _context.Clock.GetUtcNow();
        long started = Stopwatch.GetTimestamp();
        // Null when an SQL reply went out whole: its text ("reply N bytes") is made only if the line is logged.
        string? outcome;
        bool spilled = false;
        bool goOn = true;
        // For the audit trail: did the command do what it asked, and how many bytes went (file) or came (SQL).
        string audited = "ok";
        long? bytes = null;
        if (!access.Allowed)
        {
            _context.Metrics.PermissionDenied(access.Needed);
            _context.CommandLog.LogInformation("{Peer} {Identity} (role {Role}) denied: {Keyword} needs {Permission}", _peer,
                LogText.Escape(_identity.Name), LogText.Escape(_identity.Role), access.Keyword is { Length: > 0 } k ? k : command.Kind.ToString(),
                PermissionNames.NameOf(access.Needed));
            byte[] reply = command.Kind == CommandKind.FileRequest ? FileDeniedReply : AccessReplies.SqlDenied(access.Keyword ?? "", access.Needed);
            await _sender.SendFrameAsync(message.Opcode, fin: true, reply, token).ConfigureAwait(false);
            outcome = audited = "denied";
        }
        else
        {
            switch (command.Kind)
            {
                case CommandKind.Quit:
                    _context.Metrics.QuitCommand();
                    await CloseAsync(CloseStatus.Normal, "").ConfigureAwait(false);
                    outcome = "closed";
                    goOn = false;
                    break;
                case CommandKind.Blank:
                    _context.Metrics.BlankCommand();
                    await _sender.SendFrameAsync(message.Opcode, fin: true, ReadOnlyMemory<byte>.Empty, token).ConfigureAwait(false);
                    outcome = "empty reply";
                    break;
                case CommandKind.FileRequest:
                    _context.Metrics.FileCommand();
                    if (_context.CommandLog.IsEnabled(LogLevel.Debug))
                        _context.CommandLog.LogDebug("{Peer} REQUEST {Path}", _peer, LogText.Escape(command.Path));
                    (outcome, goOn, bytes) = await new FileReply(_context, _sender, _peer).SendAsync(command.Path, message.Opcode, token).ConfigureAwait(false);
                    if (bytes is null) audited = goOn ? "not found" : "failed";
                    if (!goOn) await CloseAsync(CloseStatus.InternalError, outcome).ConfigureAwait(false);
                    break;
                default:
                    _context.Metrics.SqlCommand();
                    if (_context.CommandLog.IsEnabled(LogLevel.Debug))
                        _context.CommandLog.LogDebug("{Peer} SQL {Text}", _peer, LogText.Escape(Encoding.UTF8.GetString(message.Payload.Span)));
                    var (sqlOutcome, closeStatus, replyBytes, spooled) =
                        await new SqlReply(_context, _sender).SendAsync(message.Payload, message.Opcode, token).ConfigureAwait(false);
                    outcome = sqlOutcome;
                    bytes = replyBytes;
                    spilled = spooled;
                    if (sqlOutcome is not null) audited = "failed";
                    if (closeStatus != 0)
                    {
                        await CloseAsync(closeStatus, sqlOutcome!).ConfigureAwait(false);
                        goOn = false;
                    }
                    break;
            }
        }
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        _context.Metrics.CommandDuration(command.Kind, elapsed);
        if (_context.CommandLog.IsEnabled(LogLevel.Information))
            CommandLogLine.Write(_context.CommandLog, _peer, _identityForLog ??= LogText.Escape(_identity.Name), CommandLogLine.NameOf(command.Kind),
                message.Payload.Length, elapsed.TotalMilliseconds, outcome ?? SqlReply.RelayedOutcome(bytes ?? 0, spilled));
        if (_context.Audit is { } audit)
            audit.Write(AuditOf(command, access, message.Payload.Span, startedAt, audited, audited == "ok" ? null : outcome, bytes, elapsed));
        return goOn;
    }

    /// <summary>The identity as the per-command line shows it (escaped once: it does not change after the upgrade).</summary>
    private string? _identityForLog;

    private static readonly byte[] FileDeniedReply = AccessReplies.FileDenied.ToArray();

    /// <summary>One command's audit line: the SQL text only as its SHA-256 unless --audit-sql-text.</summary>
    private AuditRecord AuditOf(Command command, AccessVerdict access, ReadOnlySpan<byte> payload, DateTimeOffset startedAt,
                                string outcome, string? detail, long? bytes, TimeSpan duration)
    {
        bool sql = command.Kind == CommandKind.Sql;
        return new AuditRecord
        {
            Time = startedAt,
            Event = command.Kind switch
            {
                CommandKind.FileRequest => "file",
                CommandKind.Sql => "sql",
                CommandKind.Quit => "quit",
                _ => "blank",
            },
            Identity = _identity.Name,
            Role = _identity.Role,
            Client = _client.ToString(),
            Outcome = outcome,
            Detail = detail,
            Path = command.Kind == CommandKind.FileRequest ? command.Path ?? "" : null,
            Bytes = bytes,
            Statement = sql ? access.Keyword : null,
            SqlSha256 = sql ? Convert.ToHexStringLower(SHA256.HashData(payload)) : null,
            SqlText = sql && _context.Options.AuditSqlText ? Encoding.UTF8.GetString(payload) : null,
            DurationMs = duration.TotalMilliseconds,
        };
    }

    /// <summary>Why the credential the connection was admitted with no longer holds ("token expired",
    /// "credential revoked"), or null while it does.</summary>
    private string? CredentialEnded() =>
        _credentialRevoked ? CredentialRevokedReason
        : _credentialEndsAt is { } end && _context.Clock.GetUtcNow() >= end ? TokenExpiredReason
        : null;

    /// <summary>After a reload of the tokens file or the JWT keys: the credential is checked again, and a
    /// connection whose credential is gone, or now gives another identity or other permissions, ends
    /// like an expired one (the command in flight finishes, then 1008 "credential revoked").</summary>
    public async Task RecheckCredentialAsync(AccessControl access)
    {
        if (_state != SessionState.Open) return;
        // A connection admitted without a credential (before authentication was turned on) has none to show.
        Identity? now = _credential is null ? null : await access.RecheckAsync(_credential).ConfigureAwait(false);
        if (now is not null && now.Name == _identity.Name && now.Permissions == _identity.Permissions) return;
        _context.SessionLog.LogInformation("{Peer} {Identity}: credential revoked by the reload", _peer, LogText.Escape(_identity.Name));
        _credentialRevoked = true;
        if (!_commandRunning) _ = CloseAndReportAsync(CloseStatus.PolicyViolation, CredentialRevokedReason);
    }

    private volatile bool _credentialRevoked;

    /// <summary>The close reason (with 1008) when the credential of an open connection expires.</summary>
    public const string TokenExpiredReason = "token expired";

    /// <summary>The close reason (with 1008) when a reload took the connection's credential away.</summary>
    public const string CredentialRevokedReason = "credential revoked";

    /// <summary>Called about once a second by the registry: send-timeout, keepalive pings, ping and idle
    /// timeouts, and the end of the credential (a command in flight is let finish: the command loop closes after it).</summary>
    public void OnTick(long now)
    {
        if (_sender.IsStalled(now))
        {
            Abort("send timeout");
            return;
        }
        if (_state != SessionState.Open) return;
        if (!_commandRunning && CredentialEnded() is { } ended)
        {
            _ = CloseAndReportAsync(CloseStatus.PolicyViolation, ended);
            return;
        }
        var options = _context.Options;
        long pingSentAt = Interlocked.Read(ref _pingSentAt);
        if (pingSentAt != 0)
        {
            // Any byte that arrived after the ping started to go out answers it (the pong, or data).
            if (Interlocked.Read(ref _lastReceivedAt) >= Interlocked.Read(ref _pingStartedAt))
            {
                Interlocked.Exchange(ref _pingSentAt, 0);
                pingSentAt = 0;
            }
            else if (now - pingSentAt > (long)options.PingTimeout.TotalMilliseconds)
            {
                _ = CloseAndReportAsync(CloseStatus.GoingAway, "ping timeout");
                return;
            }
        }
        if (pingSentAt == 0 && !_pingPending && now - Interlocked.Read(ref _lastReceivedAt) > (long)options.PingInterval.TotalMilliseconds)
            _ = SendKeepalivePingAsync();
        if (options.IdleTimeout > TimeSpan.Zero && !_commandRunning && QueuedCommands == 0
            && now - Interlocked.Read(ref _lastActivityAt) > (long)options.IdleTimeout.TotalMilliseconds)
            _ = CloseAndReportAsync(CloseStatus.GoingAway, "idle timeout");
    }

    // _pingStartedAt: just before the ping's write began (a pong cannot come earlier);
    // _pingSentAt: when the write ended (the timeout runs from there), 0 when no ping is outstanding.
    private long _pingStartedAt;
    private long _pingSentAt;
    private volatile bool _pingPending;

    private async Task SendKeepalivePingAsync()
    {
        _pingPending = true;
        try
        {
            Interlocked.Exchange(ref _pingStartedAt, Environment.TickCount64);
            await _sender.SendControlAsync(Opcode.Ping, ReadOnlyMemory<byte>.Empty, _lifetime.Token).ConfigureAwait(false);
            // Counted from when it left: a ping queued behind a long file frame must not time out early.
            Interlocked.Exchange(ref _pingSentAt, Environment.TickCount64);
        }
        catch (Exception ex) when (IsConnectionFault(ex)) { Abort("send failed"); }
        finally { _pingPending = false; }
    }

    private async Task CloseAndReportAsync(ushort status, string reason)
    {
        try { await CloseAsync(status, reason).ConfigureAwait(false); }
        catch (Exception ex) when (IsConnectionFault(ex)) { Abort(reason); }
    }

    /// <summary>Daemon shutdown, first phase: finish what was asked, then close with 1001. Runs once (the drain
    /// and a session upgraded just as it began may both ask). A session still handshaking is left to finish
    /// its request: an upgrade gets 503 and /healthz its "draining" answer, which is what a load balancer
    /// needs to see; handshake-timeout bounds it.</summary>
    public void BeginDrain()
    {
        if (_state == SessionState.Handshake) return;
        if (Interlocked.Exchange(ref _drainBegun, 1) == 1) return;
        _draining = true;
        if (_v2 is not null && _state == SessionState.Open)
        {
            _v2.BeginDrain();
            return;
        }
        // An idle session closes at once; a busy one when its command loop has answered what is queued.
        if (!_commandRunning && QueuedCommands == 0 && _state == SessionState.Open)
            _ = CloseAndReportAsync(CloseStatus.GoingAway, "server shutting down");
    }

    /// <summary>Daemon shutdown, last phase: whatever is still open is closed now.</summary>
    public void ForceClose()
    {
        if (_state == SessionState.Open) _ = CloseAndReportAsync(CloseStatus.GoingAway, "server shutting down");
        else Abort("server shutting down");
    }
}
