using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Files;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Daemon.Sessions;

internal sealed partial class Session
{
    private volatile bool _commandRunning;
    private volatile bool _draining;
    private long _lastActivityAt;

    /// <summary>Answers commands strictly in order, one reply message each (QUIT excepted).</summary>
    private async Task RunCommandLoopAsync()
    {
        var token = _lifetime.Token;
        try
        {
            while (await _commands.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_commands.Reader.TryRead(out var message))
                {
                    bool goOn;
                    _commandRunning = true;
                    try
                    {
                        goOn = _state == SessionState.Open && await ExecuteAsync(message, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        message.Release();
                        // In this order: the idle check must never see "not running" with the time of an old activity.
                        Interlocked.Exchange(ref _lastActivityAt, Environment.TickCount64);
                        _commandRunning = false;
                    }
                    if (!goOn) return;
                }
                if (_draining) await CloseAsync(CloseStatus.GoingAway, "server shutting down").ConfigureAwait(false);
            }
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

    /// <summary>Runs one command; false when the session must not answer further commands.</summary>
    private async Task<bool> ExecuteAsync(ClientMessage message, CancellationToken token)
    {
        _commandCount++;
        var command = CommandClassifier.Classify(message.Payload.Span);
        var clock = Stopwatch.StartNew();
        string outcome;
        bool goOn = true;
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
                    _context.CommandLog.LogDebug("{Peer} REQUEST {Path}", _peer, Ops.LogText.Escape(command.Path));
                (outcome, goOn) = await new FileReply(_context, _sender, _peer).SendAsync(command.Path, message.Opcode, token).ConfigureAwait(false);
                if (!goOn) await CloseAsync(CloseStatus.InternalError, outcome).ConfigureAwait(false);
                break;
            default:
                _context.Metrics.SqlCommand();
                if (_context.CommandLog.IsEnabled(LogLevel.Debug))
                    _context.CommandLog.LogDebug("{Peer} SQL {Text}", _peer, Ops.LogText.Escape(System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
                var (sqlOutcome, closeStatus) = await new SqlReply(_context, _sender).SendAsync(message.Payload, message.Opcode, token).ConfigureAwait(false);
                outcome = sqlOutcome;
                if (closeStatus != 0)
                {
                    await CloseAsync(closeStatus, sqlOutcome).ConfigureAwait(false);
                    goOn = false;
                }
                break;
        }
        _context.CommandLog.LogInformation("{Peer} command {Kind}: {Bytes} bytes in, {Elapsed:0.###} ms, {Outcome}",
            _peer, command.Kind, message.Payload.Length, clock.Elapsed.TotalMilliseconds, outcome);
        return goOn;
    }

    /// <summary>Called about once a second by the registry: send progress, keepalive pings, ping and idle timeouts.</summary>
    public void OnTick(long now)
    {
        _sender.ExtendDeadlineIfProgressing();
        if (_state != SessionState.Open) return;
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
        if (options.IdleTimeout > TimeSpan.Zero && !_commandRunning && _commands.Reader.Count == 0
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

    /// <summary>Daemon shutdown, first phase: finish what was asked, then close with 1001.</summary>
    public void BeginDrain()
    {
        _draining = true;
        // Wakes the command loop so an idle session closes at once.
        if (!_commandRunning && _commands.Reader.Count == 0 && _state == SessionState.Open)
            _ = CloseAndReportAsync(CloseStatus.GoingAway, "server shutting down");
        else if (_state == SessionState.Handshake)
            Abort("server shutting down");
    }

    /// <summary>Daemon shutdown, last phase: whatever is still open is closed now.</summary>
    public void ForceClose()
    {
        if (_state == SessionState.Open) _ = CloseAndReportAsync(CloseStatus.GoingAway, "server shutting down");
        else Abort("server shutting down");
    }
}
