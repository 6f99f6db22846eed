using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon;

/// <summary>
/// The daemon as an object: the one place that owns lifetime. It binds, accepts, hands each
/// connection to a session, and on stop drains them in order: stop accepting, let commands in
/// flight finish (shutdown-timeout), close the rest with 1001, free the backend pool.
/// </summary>
public sealed class Gateway : IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ILogger _log;
    private readonly FileTree _files;
    private readonly SirenPool _pool;
    private readonly SessionRegistry _registry = new();
    private readonly ConnectionLimiter _limiter;
    private readonly SessionContext _context;
    private readonly AccessControl _access;
    private readonly AuditLog? _audit;
    private readonly CancellationTokenSource _stopping = new();
    private Listener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Checks the root (throws DirectoryNotFoundException / UnauthorizedAccessException when unusable),
    /// loads the tokens file or JWT keys and opens the audit log (throws <see cref="StartupException"/>).</summary>
    public Gateway(GatewayOptions options, ILoggerFactory loggers) : this(options, loggers, TimeProvider.System) { }

    /// <param name="clock">Wall-clock time for token expiry and the brute-force brake (tests move it).</param>
    internal Gateway(GatewayOptions options, ILoggerFactory loggers, TimeProvider clock)
    {
        _options = options;
        _log = loggers.CreateLogger("Websocketfy.Gateway");
        _files = new FileTree(options.Root);
        Metrics = new Metrics();
        try { _access = AccessControl.Create(options, Metrics, new AuthFailureLimiter(clock)); }
        catch (AuthSetupException ex) { throw new StartupException(ExitCodes.Config, ex.Message); }
        if (options.AuditLog is { } auditPath)
        {
            try { _audit = AuditLog.Open(auditPath, Metrics, loggers.CreateLogger("Websocketfy.Audit")); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StartupException(ExitCodes.AuditLogUnusable, $"audit log {auditPath} cannot be opened: {ex.Message}");
            }
        }
        _pool = new SirenPool(options, Metrics, loggers.CreateLogger("Websocketfy.Siren"));
        _limiter = new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerIp);
        var policy = new HandshakePolicy { IsOriginAllowed = OriginPolicy.Create(options) };
        _context = new SessionContext(options, _files, new SirenRelay(_pool, options, loggers.CreateLogger("Websocketfy.Siren")),
                                      _pool, Metrics, policy, _registry, _access, _audit, clock, loggers);
    }

    public Metrics Metrics { get; }

    /// <summary>The bound port (useful with --port 0).</summary>
    public int Port => _listener?.Port ?? throw new InvalidOperationException("not started");

    internal int IdleBackendConnections => _pool.IdleCount;
    internal int SessionCount => _registry.Count;

    /// <summary>Binds the port (throws SocketException when it cannot) and starts accepting.</summary>
    public void Start()
    {
        _listener = Listener.Bind(_options.Bind, _options.Port, backlog: 512);
        _log.LogInformation("listening on {Address} port {Port}; files under {Root}; SiREN at {Host}:{SirenPort}",
                            _options.Bind, Port, _files.RealRoot, _options.SirenHost, _options.SirenPort);
        if (_options.AllowedOrigins.Count == 0)
            _log.LogWarning("every browser Origin is allowed; restrict it with --allowed-origins https://viewer.example.org (see websocketfy.conf)");
        _log.LogInformation("{Access}; audit trail {Audit}", _access.Describe(), _audit?.Path ?? "off");
        if (_access.Mode == AuthMode.None && !IPAddress.IsLoopback(_options.Bind))
            _log.LogWarning("no authentication on {Address}, which is not a loopback address: anyone who reaches port {Port} can run any SQL "
                            + "and read every file; use --auth token or --auth jwt (see README, Securing it)", _options.Bind, Port);
        _ = _pool.ProbeAsync(_stopping.Token);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    /// <summary>SIGHUP: re-reads the tokens file or JWT keys and re-opens the audit log. Each part keeps
    /// what it had when its new version cannot be used; every outcome is logged. Open connections whose
    /// credential the new tokens or keys no longer accept end after their command in flight (1008).</summary>
    public IReadOnlyList<(bool Succeeded, string Message)> Reload()
    {
        var results = new List<(bool, string)>();
        var parts = new List<IReloadable>(_access.Reloadables);
        if (_audit is not null) parts.Add(_audit);
        foreach (IReloadable part in parts)
        {
            ReloadResult result = part.Reload();
            if (result.Succeeded) _log.LogInformation("reloaded {What}", result.Message);
            else _log.LogError("reload failed: {What}", result.Message);
            results.Add((result.Succeeded, result.Message));
        }
        if (_access.Mode != AuthMode.None) _ = _registry.RecheckCredentialsAsync(_access);
        return results;
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
            _ = RejectBusyAsync(socket);
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
        if (!await WaitAsync(_registry.WhenEmpty(), _options.ShutdownTimeout).ConfigureAwait(false))
        {
            _log.LogWarning("shutdown-timeout reached; closing {Sessions} connections", _registry.Count);
            _registry.ForceCloseAll();
            await WaitAsync(_registry.WhenEmpty(), _options.CloseTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        _pool.Dispose();
        // After the drain: every command's line is queued; it reaches the file before the process ends.
        if (_audit is not null) await _audit.CompleteAsync().ConfigureAwait(false);
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
    }
}
