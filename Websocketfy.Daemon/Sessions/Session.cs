using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Http;
using Websocketfy.Protocol.Messages;
using Websocketfy.Protocol.V2;
using Websocketfy.Daemon.Sessions.V2;
using Websocketfy.Protocol.Proxy;

namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// One client connection: handshake → open → closing → closed. The receive loop owns reading,
/// a command loop (running only while commands wait, see <see cref="CommandQueue"/>) answers them in order,
/// <see cref="FrameSender"/> owns writing, and
/// <see cref="TearDownAsync"/> is the one place a connection ends.
/// </summary>
internal sealed partial class Session
{
    private const int ReceiveBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SessionContext _context;
    private readonly FrameSender _sender;
    /// <summary>The connection's one cancellation source: cancelled when it ends (teardown, abort, send timeout), and
    /// at close-timeout after a close began, which ends the receive loop's wait for the peer's close frame.</summary>
    private readonly CancellationTokenSource _lifetime = new();
    /// <summary>Made at the first command: a connection that never sends one holds no queue.</summary>
    private CommandQueue? _commands;
    /// <summary>max-queued-commands as it was when the connection opened (a reload does not change it for open ones).</summary>
    private readonly int _maxQueuedCommands;
    /// <summary>The latest command loop started (v2: its dispatcher); each classic loop awaits the one before it,
    /// and the teardown the last, so every pooled one is awaited once.</summary>
    private ValueTask _commandLoop;
    private Identity _identity = Identity.Anonymous;
    /// <summary>When the credential stops being valid (exp plus the allowed skew); null = never.</summary>
    private DateTimeOffset? _credentialEndsAt;
    /// <summary>The bearer token the connection was admitted with, kept (never logged) so a reload can check it
    /// again; null under --auth none.</summary>
    private string? _credential;
    private readonly long _startedAt = Environment.TickCount64;

    private volatile SessionState _state = SessionState.Handshake;
    private int _tornDown;
    private bool _upgraded;
    private ushort _closeCodeSent;
    private string? _endReason;
    private int _commandCount;
    private long _bytesReceived;

    /// <param name="peer">The TCP peer, IPv4 clients of a dual-stack socket already as plain IPv4.</param>
    /// <param name="fromTrustedProxy">Whether the peer is in trusted-proxies (as decided at accept).</param>
    /// <param name="slot">The connection's place in the limits, taken at accept.</param>
    public Session(Socket socket, IPEndPoint peer, bool fromTrustedProxy, ConnectionSlot slot, SessionContext context)
    {
        _socket = socket;
        _context = context;
        _peerEndPoint = peer;
        _slot = slot;
        _client = peer.Address;
        _peer = peer.ToString();
        _fromTrustedProxy = fromTrustedProxy;
        var network = new NetworkStream(socket, ownsSocket: false);
        // With TLS every byte passes through the SslStream; the socket stays for peeking (the PROXY header,
        // the first TLS byte) and TCP_INFO.
        _stream = context.Tls is null ? network : new SslStream(network, leaveInnerStreamOpen: false);
        _sender = new FrameSender(_stream, socket, encrypted: context.Tls is not null, context.SendTimeout, context.Metrics,
                                  _lifetime.Token);
        _maxQueuedCommands = context.Options.MaxQueuedCommands;
        _lastReceivedAt = _lastActivityAt = _startedAt;
    }

    /// <summary>The whole life of the connection, ending with its place in the limits given back; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            byte[]? leftover = await HandshakeAsync().ConfigureAwait(false);
            if (leftover is null) return;
            // Idle and keepalive time run from the upgrade: the handshake has its own timeout, and a slow one
            // must not use up the time the client has for its first command.
            long openedAt = Environment.TickCount64;
            Interlocked.Exchange(ref _lastReceivedAt, openedAt);
            Interlocked.Exchange(ref _lastActivityAt, openedAt);
            _state = SessionState.Open;
            _upgraded = true;
            _context.Metrics.SessionOpened();
            _context.SessionLog.LogDebug("{Peer} open", _peer);
            // Upgraded just as the drain began: the drain's pass over the sessions may have seen this one still
            // handshaking. The barrier pairs with Lifecycle.BeginDraining, so one side or the other sees it.
            Interlocked.MemoryBarrier();
            if (_context.Lifecycle.IsDraining) BeginDrain();
            if (_v2 is not null) _commandLoop = new ValueTask(RunV2Async());
            await ReceiveLoopAsync(leftover).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFault(ex))
        {
            EndBecause(ex is OperationCanceledException ? "cancelled" : "connection lost");
            _context.SessionLog.LogDebug("{Peer} ended: {Error}", _peer, ex.Message);
        }
        catch (Exception ex)
        {
            EndBecause("internal error");
            _context.SessionLog.LogError(ex, "{Peer} failed", _peer);
        }
        finally
        {
            // The connection's place in the limits goes back last, whatever happened.
            try { await TearDownAsync().ConfigureAwait(false); }
            finally { _slot.Dispose(); }
        }
    }

    private static bool IsConnectionFault(Exception ex) =>
        ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or ConnectionClosingException;

    /// <summary>The PROXY header (from a trusted proxy with --proxy-protocol), the TLS handshake (when the port
    /// speaks TLS), then the HTTP head read and answered, all within handshake-timeout. Returns the bytes that followed the head (the first frames) when the connection was
    /// upgraded, or null when it ended here (answered over plain HTTP, refused, timed out).</summary>
    private async Task<byte[]?> HandshakeAsync()
    {
        var options = _context.Options;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        deadline.CancelAfter(options.HandshakeTimeout);
        try
        {
            if (ExpectsProxyHeader && !await ReadProxyHeaderAsync(deadline.Token).ConfigureAwait(false))
                return null;
            if (_stream is SslStream tls && !await SecureAsync(tls, deadline.Token).ConfigureAwait(false))
                return null;
            return await ReadHeadAsync(options.MaxHeaderSize, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFault(ex) && deadline.IsCancellationRequested && !_lifetime.IsCancellationRequested)
        {
            // A client that never finishes (TLS or HTTP) gives its connection slot back.
            EndBecause("handshake timeout");
            _context.Metrics.HandshakeTimedOut();
            return null;
        }
    }

    private async Task<byte[]?> ReadHeadAsync(int maxHeaderSize, CancellationToken deadline)
    {
        var parser = new RequestHeadParser(maxHeaderSize);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        // The first bytes, to tell a PROXY header sent where none is expected from a malformed request.
        byte[] start = new byte[ProxySignature.Version2.Length];
        int startLength = 0;
        try
        {
            while (true)
            {
                int n = await _stream.ReadAsync(buffer, deadline).ConfigureAwait(false);
                if (n == 0) { EndBecause("closed during handshake"); return null; }
                _bytesReceived += n;
                int kept = Math.Min(n, start.Length - startLength);
                buffer.AsSpan(0, kept).CopyTo(start.AsSpan(startLength));
                startLength += kept;
                var status = parser.Feed(buffer.AsSpan(0, n), out int consumed);
                switch (status)
                {
                    case HeadParseStatus.NeedMoreData:
                        continue;
                    case HeadParseStatus.TooLarge:
                        await RefuseAsync(431, "Request header fields too large").ConfigureAwait(false);
                        return null;
                    case HeadParseStatus.Malformed when ProxySignature.StartsHeader(start.AsSpan(0, startLength)):
                        await RefuseUnexpectedProxyHeaderAsync().ConfigureAwait(false);
                        return null;
                    case HeadParseStatus.Malformed:
                        await RefuseAsync(400, "Malformed HTTP request").ConfigureAwait(false);
                        return null;
                }
                return await AnswerHeadAsync(parser.Head!, buffer.AsSpan(consumed, n - consumed).ToArray()).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<byte[]?> AnswerHeadAsync(RequestHead head, byte[] afterHead)
    {
        ReadForwardedFor(head);
        if (!await CountClientAsync().ConfigureAwait(false)) return null;
        var decision = HandshakeValidator.Decide(head, _context.HandshakePolicy);
        switch (decision.Outcome)
        {
            case HandshakeOutcome.Upgrade when _context.Lifecycle.IsDraining:
                // A load balancer sends the client elsewhere; a direct client retries after the restart.
                await RefuseAsync(503, "Server shutting down; try again later.", RetryLater).ConfigureAwait(false);
                return null;
            case HandshakeOutcome.Upgrade:
                if (!await AdmitAsync(head).ConfigureAwait(false)) return null;
                if (decision.Subprotocol == V2Subprotocol.Name) BecomeV2();
                await WriteUpgradeAsync(HttpResponses.SwitchingProtocols(decision.AcceptKey!, decision.Subprotocol)).ConfigureAwait(false);
                return afterHead;
            case HandshakeOutcome.PlainHttp:
                _context.Metrics.PlainHttpRequest();
                // /healthz looks at the file tree's root: file-system calls stay off the socket engine's threads.
                await new ThreadPoolHop();
                bool served = OperatorAccess.ServesOnMainPort(_client, separateListener: _context.Options.OpsBind is not null);
                await WriteHttpAsync(_context.Operator.Answer(head, served ? OperatorEndpoints.Place.MainPort : OperatorEndpoints.Place.MainPortHidden))
                    .ConfigureAwait(false);
                EndBecause("plain HTTP answered");
                return null;
            default:
                if (decision.StatusCode == 403)
                    _context.SessionLog.LogWarning("{Peer} refused: origin {Origin} is not allowed", _peer, LogText.Escape(head.GetHeader("Origin")));
                await RefuseAsync(decision.StatusCode, decision.Reason).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>Who the client is, decided before the upgrade; a refusal is answered here (401, 403, 429).
    /// Neither the log nor the audit trail ever gets the credential itself.</summary>
    private async Task<bool> AdmitAsync(RequestHead head)
    {
        Admission admission = await _context.Access.AdmitAsync(head, _client).ConfigureAwait(false);
        _context.Audit?.Write(new AuditRecord
        {
            Time = _context.Clock.GetUtcNow(), Event = "connect", Client = _client.ToString(),
            Identity = admission.Identity?.Name, Role = admission.Identity?.Role,
            Outcome = admission.Identity is null ? "refused" : "ok", Status = admission.Status,
            Detail = admission.Identity is null ? AuthFailureNames.Label(admission.Failure) + ": " + admission.Detail : null,
        });
        if (admission.Identity is { } identity)
        {
            _identity = identity;
            _credential = admission.Credential;
            _credentialEndsAt = identity.ExpiresAt + JwtValidator.ClockSkew;
            if (_context.Access.Mode != AuthMode.None)
                _context.SessionLog.LogInformation("{Peer} authenticated as {Identity} (role {Role}) by {Carrier}",
                    _peer, LogText.Escape(identity.Name), LogText.Escape(identity.Role), admission.Carrier);
            return true;
        }
        if (admission.BlockStarted)
            _context.SessionLog.LogWarning("{Client} blocked for {Seconds} s after {Failures} authentication failures within a minute",
                _client, (int)AuthFailureLimiter.BlockFor.TotalSeconds, AuthFailureLimiter.MaxFailures);
        _context.SessionLog.Log(admission.Failure == AuthFailure.RateLimited ? LogLevel.Debug : LogLevel.Information,
            "{Peer} refused {Status} ({Reason}): {Detail}", _peer, admission.Status, AuthFailureNames.Label(admission.Failure), LogText.Escape(admission.Detail));
        _context.Metrics.HandshakeFailed(admission.Status);
        EndBecause($"handshake refused {admission.Status}");
        await WriteHttpAsync(admission.Refusal!).ConfigureAwait(false);
        return false;
    }

    private static readonly KeyValuePair<string, string>[] RetryLater = [new("Retry-After", "5")];

    private async Task RefuseAsync(int status, string reason, KeyValuePair<string, string>[]? headers = null)
    {
        _context.Metrics.HandshakeFailed(status);
        EndBecause($"handshake refused {status}");
        _context.SessionLog.LogDebug("{Peer} handshake refused: {Status} {Reason}", _peer, status, reason);
        await WriteHttpAsync(HttpResponses.Error(status, reason, headers)).ConfigureAwait(false);
    }

    private async Task WriteHttpAsync(byte[] answer)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        deadline.CancelAfter(_context.Options.SendTimeout);
        await _stream.WriteAsync(answer, deadline.Token).ConfigureAwait(false);
        _context.Metrics.BytesSent(answer.Length);
    }

    /// <summary>The 101 answer. On a plain connection one plain send: nothing was sent before it, so the empty send buffer
    /// takes it whole and the send never waits; unlike an asynchronous send it leaves no cached send state on the socket
    /// (~0.3 KB), which an idle connection would otherwise hold until its first reply. Under TLS it goes through the TLS
    /// stream like every other byte.</summary>
    private async Task WriteUpgradeAsync(byte[] answer)
    {
        if (_stream is SslStream)
        {
            await WriteHttpAsync(answer).ConfigureAwait(false);
            return;
        }
        _socket.Send(answer);
        _context.Metrics.BytesSent(answer.Length);
    }

    /// <summary>Keeps the first reason given: later ones are consequences (a cancelled send after a close...).</summary>
    private void EndBecause(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null);

    /// <summary>Ends the session from anywhere (send timeout, file changed mid-frame, daemon stop):
    /// the receive loop wakes up and the teardown runs.</summary>
    private void Abort(string reason)
    {
        EndBecause(reason);
        try { _lifetime.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>The one place a connection ends: runs once, frees everything, counts and logs it.</summary>
    private async Task TearDownAsync()
    {
        if (Interlocked.Exchange(ref _tornDown, 1) == 1) return;
        // After a complete close handshake the peer is reading: under TLS it gets a close_notify too.
        if (_context.Tls is not null && _sender.CloseSent && _closeReceived)
            await _sender.ShutdownSendAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        _state = SessionState.Closed;
        try { _lifetime.Cancel(); } catch (ObjectDisposedException) { }
        // The receive loop has ended: no command loop starts after this one.
        CompleteV2Requests();
        try { await _commandLoop.ConfigureAwait(false); }
        catch (Exception ex) when (IsConnectionFault(ex)) { }
        _commands?.ReleaseAll();
        ReleaseV2Requests();
        _assembly.Discard();
        ReturnReceiveBuffer();

        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        _stream.Dispose();
        _socket.Dispose();
        _lifetime.Dispose();

        // Counted before the connection stops being active, so a reader that waits for
        // "no active connections" sees its close code.
        _context.Metrics.Closed(_closeCodeSent);
        _context.Metrics.BytesReceived(_bytesReceived);
        if (_upgraded) _context.Metrics.SessionClosed();
        _context.Metrics.ConnectionEnded();
        _context.Registry.Remove(this);
        _context.SessionLog.LogInformation(
            "connection {Peer} ended after {Duration} ms: {Commands} commands, {BytesIn} bytes in, close {CloseCode}, {Reason}",
            _peer, Environment.TickCount64 - _startedAt, _commandCount, _bytesReceived,
            _closeCodeSent == 0 ? "none" : _closeCodeSent, _endReason ?? "closed");
    }
}
