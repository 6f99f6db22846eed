using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Reload;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Daemon.Tls;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon;

/// <summary>
/// The daemon as an object: the one place that owns lifetime. It binds, accepts, hands each
/// connection to a session, and on stop drains them in order: stop accepting, let commands in
/// flight finish (shutdown-timeout), close the rest with 1001, free the backend pool.
/// Reloads go through it too (Gateway.Reload.cs).
/// </summary>
public sealed partial class Gateway : IAsyncDisposable
{
    private readonly LiveOptions _live;
    private readonly ILogger _log;
    private readonly SirenPool _pool;
    private readonly SessionRegistry _registry = new();
    private readonly ConnectionLimiter _limiter;
    private readonly SessionContext _context;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IReloadParticipant> _reloadParticipants = [];
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private Listener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _startupProbe = Task.CompletedTask;

    /// <summary>Checks the root (throws DirectoryNotFoundException / UnauthorizedAccessException when unusable)
    /// and, with TLS, reads the certificate and key (throws <see cref="TlsCredentialsException"/>).</summary>
    public Gateway(GatewayOptions options, ILoggerFactory loggers) : this(new LiveOptions(options), loggers) { }

    /// <param name="live">The settings in force; the host may read them too (the log level), and
    /// <see cref="ReloadAsync(GatewayOptions, CancellationToken)"/> replaces them.</param>
    public Gateway(LiveOptions live, ILoggerFactory loggers)
    {
        GatewayOptions options = live.Current;
        _live = live;
        _log = loggers.CreateLogger("Websocketfy.Gateway");
        var files = new FileTree(options.Root);
        Metrics = new Metrics();
        ILogger sirenLog = loggers.CreateLogger("Websocketfy.Siren");
        _pool = new SirenPool(options, Metrics, sirenLog);
        _limiter = new ConnectionLimiter(live);
        TlsEndpoint? tls = ReloadPlan.IsTls(options) ? new TlsEndpoint(options, loggers.CreateLogger("Websocketfy.Tls")) : null;
        _context = new SessionContext(live, files, new SirenRelay(_pool, live, sirenLog),
                                      _pool, Metrics, HandshakePolicyFor(options), _registry, loggers, tls);
        if (tls is not null) _reloadParticipants.Add(tls);
        _reloadParticipants.Add(new DelegateParticipant(PrepareFileTree));
        _reloadParticipants.Add(new DelegateParticipant(PrepareOrigins));
        _reloadParticipants.Add(new DelegateParticipant(PrepareSiren));
    }

    public Metrics Metrics { get; }

    /// <summary>The settings in force now (after the last successful reload).</summary>
    public GatewayOptions CurrentOptions => _live.Current;

    /// <summary>The bound port (useful with --port 0).</summary>
    public int Port => _listener?.Port ?? throw new InvalidOperationException("not started");

    internal int IdleBackendConnections => _pool.IdleCount;
    internal SirenPool Pool => _pool;
    internal int SessionCount => _registry.Count;

    /// <summary>The start-up check of SiREN (its connection, when it answers, waits in the pool): tests start
    /// from a known pool by waiting for it.</summary>
    internal Task StartupProbe => _startupProbe;

    /// <summary>Binds the port (throws SocketException when it cannot) and starts accepting.</summary>
    public void Start()
    {
        GatewayOptions options = _live.Current;
        _listener = Listener.Bind(options.Bind, options.Port, backlog: 512);
        // Warnings first: whoever waits for the "listening" line has them by then.
        WarnIfEveryOriginAllowed(options);
        _log.LogInformation("listening on {Address} port {Port} ({Scheme}); files under {Root}; SiREN at {Host}:{SirenPort}",
                            options.Bind, Port, _context.Tls is null ? "ws://" : "wss://, TLS only",
                            _context.Files.RealRoot, options.SirenHost, options.SirenPort);
        _startupProbe = _pool.ProbeAsync(_stopping.Token);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    private async Task AcceptLoopAsync(Listener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException ex)
            {
                // Out of descriptors and the like: keep serving the connections we have, retry shortly.
                _log.LogWarning("accept failed: {Error}", ex.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }
            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        socket.NoDelay = true;
        var address = (socket.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (!_limiter.TryEnter(address))
        {
            Metrics.ConnectionRejected();
            if (_context.Tls is null)
            {
                _ = RejectBusyAsync(socket);
            }
            else
            {
                // A TLS client cannot read a plain-text 503, and a handshake only to refuse would spend
                // the most CPU exactly when the daemon is fullest: the connection is closed instead.
                socket.Dispose();
            }
            return;
        }
        Metrics.ConnectionAccepted();
        var session = new Session(socket, address, _context);
        _registry.Add(session);
        _ = RunSessionAsync(session, address);
    }

    private async Task RunSessionAsync(Session session, IPAddress address)
    {
        try { await session.RunAsync().ConfigureAwait(false); }
        finally { _limiter.Leave(address); }
    }

    /// <summary>503 before any upgrade; the request is not read, so the socket lingers briefly to let the answer arrive.</summary>
    private async Task RejectBusyAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                byte[] answer = HttpResponses.Error(503, "Too many connections; try again later.",
                                                   [new KeyValuePair<string, string>("Retry-After", "5")]);
                await socket.SendAsync(answer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Send);
                byte[] sink = new byte[1024];
                while (await socket.ReceiveAsync(sink, SocketFlags.None, deadline.Token).ConfigureAwait(false) > 0) { }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    /// <summary>Graceful stop: no new connections, commands in flight finish within shutdown-timeout,
    /// then every connection is closed with 1001 and the backend pool is freed.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _log.LogInformation("stopping: {Sessions} connections to drain", _registry.Count);
        _stopping.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _registry.BeginDrain();
        GatewayOptions options = _live.Current;
        if (!await WaitAsync(_registry.WhenEmpty(), options.ShutdownTimeout).ConfigureAwait(false))
        {
            _log.LogWarning("shutdown-timeout reached; closing {Sessions} connections", _registry.Count);
            _registry.ForceCloseAll();
            await WaitAsync(_registry.WhenEmpty(), options.CloseTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        _pool.Dispose();
        _log.LogInformation("stopped");
    }

    private static async Task<bool> WaitAsync(Task task, TimeSpan timeout)
    {
        try { await task.WaitAsync(timeout).ConfigureAwait(false); return true; }
        catch (TimeoutException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _registry.Dispose();
        _stopping.Dispose();
        _reloading.Dispose();
    }
}
