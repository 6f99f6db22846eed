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
using Websocketfy.Daemon.Reload;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Daemon.Tls;
using Websocketfy.Protocol.Addresses;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon;

/// <summary>
/// The daemon as an object: the one place that owns lifetime. It binds, accepts, hands each
/// connection to a session, and on stop drains them in order: announce it on /healthz (503) while
/// still serving for drain-delay, then keep the port open but turn new clients away with 503, let
/// commands in flight finish (shutdown-timeout), stop accepting, close the rest with 1001, free the
/// backend pool.
/// Reloads go through it too (Gateway.Reload.cs).
/// </summary>
public sealed partial class Gateway : IAsyncDisposable
{
    private readonly LiveOptions _live;
    private readonly ILogger _log;
    private readonly ILogger _sirenLog;
    private readonly SirenPool _pool;
    private readonly SessionRegistry _registry = new();
    private readonly ConnectionLimiter _limiter;
    private readonly SessionContext _context;
    private readonly SirenHealth _siren = new();
    private readonly SirenWatch _sirenWatch;
    private readonly Lifecycle _lifecycle = new();
    private readonly OperatorEndpoints _operator;
    /// <summary>/healthz's view of the root; a reload that changes the tree in use moves it along.</summary>
    private readonly RootWatch _rootWatch;
    /// <summary>The brute-force brake, kept across the access controls reloads make.</summary>
    private readonly AuthFailureLimiter _authLimiter;
    private readonly ILogger _auditLog;
    private readonly CancellationTokenSource _stopping = new();
    /// <summary>Cancelled to end drain-delay early (a second SIGTERM, or disposal).</summary>
    private readonly CancellationTokenSource _drainDelay = new();
    /// <summary>What a reload renews, in the order it prepares.</summary>
    private readonly PrepareReload[] _reloadParts;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private Listener? _listener;
    private OperatorListener? _opsListener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _watching = Task.CompletedTask;
    private readonly Lock _stopGate = new();
    private Task? _stop;

    /// <summary>Checks the root (throws DirectoryNotFoundException / UnauthorizedAccessException when unusable),
    /// with TLS reads the certificate and key (throws <see cref="TlsCredentialsException"/>), and loads the
    /// tokens file or JWT keys and opens the audit log (throws <see cref="StartupException"/>).</summary>
    public Gateway(GatewayOptions options, ILoggerFactory loggers) : this(new LiveOptions(options), loggers, TimeProvider.System) { }

    /// <param name="live">The settings in force; the host may read them too (the log level), and
    /// <see cref="ReloadAsync(GatewayOptions, CancellationToken)"/> replaces them.</param>
    public Gateway(LiveOptions live, ILoggerFactory loggers) : this(live, loggers, TimeProvider.System) { }

    /// <param name="clock">Wall-clock time for token lifetimes (at the upgrade and while open), the brute-force
    /// brake and the audit trail (tests move it).</param>
    internal Gateway(GatewayOptions options, ILoggerFactory loggers, TimeProvider clock) : this(new LiveOptions(options), loggers, clock) { }

    private Gateway(LiveOptions live, ILoggerFactory loggers, TimeProvider clock)
    {
        GatewayOptions options = live.Current;
        _live = live;
        _log = loggers.CreateLogger("Websocketfy.Gateway");
        var files = new FileTree(options.Root);
        Metrics = new Metrics();
        _authLimiter = new AuthFailureLimiter(clock);
        _auditLog = loggers.CreateLogger("Websocketfy.Audit");
        AccessControl access;
        try { access = AccessControl.Create(options, Metrics, _authLimiter, clock); }
        catch (AuthSetupException ex) { throw new StartupException(ExitCodes.Config, ex.Message); }
        AuditLog? audit = null;
        if (options.AuditLog is { } auditPath)
        {
            try { audit = AuditLog.Open(auditPath, Metrics, _auditLog); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StartupException(ExitCodes.AuditLogUnusable, $"audit log {auditPath} cannot be opened: {ex.Message}");
            }
        }
        _sirenLog = loggers.CreateLogger("Websocketfy.Siren");
        _siren.Changed += OnSirenChanged;
        _pool = new SirenPool(options, Metrics, _sirenLog);
        _sirenWatch = new SirenWatch(_pool, _siren, live);
        _limiter = new ConnectionLimiter(live);
        _rootWatch = new RootWatch(options.Root);
        _operator = new OperatorEndpoints(Metrics, _pool, _siren, _rootWatch, _lifecycle, live);
        TlsEndpoint? tls = ReloadPlan.IsTls(options) ? new TlsEndpoint(options, loggers.CreateLogger("Websocketfy.Tls")) : null;
        _context = new SessionContext(live, files, new SirenRelay(_pool, live, _sirenLog, _siren),
                                      _pool, Metrics, HandshakePolicyFor(options), _registry, new TrustedProxies(live), _operator, _lifecycle,
                                      access, audit, clock, loggers, tls);
        PrepareReload[] parts = [PrepareFileTree, PrepareOrigins, PrepareSiren, PrepareAccess, PrepareAudit, PrepareConsole];
        _reloadParts = tls is null ? parts : [tls.PrepareReload, .. parts];
    }

    public Metrics Metrics { get; }

    /// <summary>The settings in force now (after the last successful reload).</summary>
    public GatewayOptions CurrentOptions => _live.Current;

    /// <summary>The bound port (useful with --port 0).</summary>
    public int Port => _listener?.Port ?? throw new InvalidOperationException("not started");

    /// <summary>The port of the ops-bind listener (useful with port 0); null without ops-bind.</summary>
    public int? OpsPort => _opsListener?.Port;

    /// <summary>Raised when SiREN goes up or down (after the change is logged), e.g. to refresh sd_notify STATUS.</summary>
    public event Action? SirenChanged;

    /// <summary>The one-line state for sd_notify STATUS=: "serving 12 connections, SiREN up".</summary>
    public string StatusLine => StatusText.Describe(Metrics.OpenSessions, _siren.Status, _lifecycle.Phase);

    internal int IdleBackendConnections => _pool.IdleCount;
    internal SirenPool Pool => _pool;
    internal SirenHealth Siren => _siren;
    internal OperatorEndpoints Operator => _operator;
    internal int SessionCount => _registry.Count;

    /// <summary>Binds the port and the ops-bind listener (throws <see cref="CannotListenException"/> when
    /// either cannot be bound), starts watching SiREN and accepting.</summary>
    public void Start()
    {
        GatewayOptions options = _live.Current;
        _listener = Bind(() => Listener.Bind(options.Bind, options.Port, backlog: 512), $"{options.Bind} port {options.Port}");
        _operator.Listening(new MainPortAddress(options.Bind, _listener.Port, _context.Tls is not null), options.OpsBind?.Address);
        if (options.OpsBind is { } ops)
        {
            try
            {
                _opsListener = Bind(() => OperatorListener.Start(ops, _operator, _live, Metrics, _log),
                                    $"{ops.Address} port {ops.Port} (--ops-bind)");
            }
            catch
            {
                _listener.Dispose();
                throw;
            }
        }
        // Warnings first: whoever waits for the "listening" line has them by then.
        WarnIfEveryOriginAllowed(options);
        if (_opsListener is not null)
            _log.LogInformation("operator endpoints /healthz and /metrics on {Address} port {OpsPort}, not on the main port",
                                options.OpsBind!.Address, _opsListener.Port);
        WarnIfOpenWithoutAuth(options);
        _log.LogInformation("{Access}; audit trail {Audit}", _context.Access.Describe(), _context.Audit?.Path ?? "off");
        LogConsole(options);
        _log.LogInformation("listening on {Address} port {Port} ({Scheme}); files under {Root}; SiREN at {Host}:{SirenPort}",
                            options.Bind, Port, _context.Tls is null ? "ws://" : "wss://, TLS only",
                            _context.Files.RealRoot, options.SirenHost, options.SirenPort);
        _watching = _sirenWatch.RunAsync(_stopping.Token);
        _acceptLoop = _listener.AcceptLoopAsync(Admit, _log, _stopping.Token);
    }

    private static T Bind<T>(Func<T> bind, string where)
    {
        try { return bind(); }
        catch (SocketException ex) { throw new CannotListenException(where, ex); }
    }

    /// <summary>Where the operator console is (at start, and when a reload turns it on).</summary>
    private void LogConsole(GatewayOptions options)
    {
        if (!options.Console) return;
        if (_opsListener is not null)
        {
            IPAddress ops = options.OpsBind!.Address;
            string socketHost = ConsoleSocketTarget.ListensWherePageCameFrom(options.Bind, ops)
                ? "the host the page was opened by" : ConsoleSocketTarget.UrlHost(options.Bind);
            _log.LogInformation("operator console at / of the ops listener ({Address} port {OpsPort}), for any client that reaches it; "
                                + "its WebSocket goes to the main port, port {Port} on {SocketHost}",
                                ops, _opsListener.Port, Port, socketHost);
            return;
        }
        _log.LogInformation("operator console at {Scheme}://localhost:{Port}/ for clients on this machine (loopback)",
                            _context.Tls is null ? "http" : "https", Port);
    }

    private void OnSirenChanged(SirenStatus status)
    {
        GatewayOptions options = _pool.Options;
        if (status.State == SirenState.Up)
            _sirenLog.LogInformation("SiREN at {Host}:{Port} answers", options.SirenHost, options.SirenPort);
        else if (status.State == SirenState.Down)
            _sirenLog.LogWarning("SiREN at {Host}:{Port} is down: {Detail}; SQL commands get a 'Command failed.' reply until it answers",
                                 options.SirenHost, options.SirenPort, status.LastError);
        SirenChanged?.Invoke();
    }

    private void Admit(Socket socket)
    {
        socket.NoDelay = true;
        var remote = socket.RemoteEndPoint as IPEndPoint;
        var peer = new IPEndPoint(AddressText.Canonical(remote?.Address ?? IPAddress.None), remote?.Port ?? 0);
        // A trusted proxy relays many clients: its connections count against the per-address limit
        // under the client's address, once the PROXY header or X-Forwarded-For has named it.
        // Asked once: a reload between here and the session must not give the slot and the session different answers.
        bool fromTrustedProxy = _context.TrustedProxies.Contains(peer.Address);
        ConnectionSlot? slot = _limiter.TryEnter(fromTrustedProxy ? null : peer.Address);
        if (slot is null)
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
        var session = new Session(socket, peer, fromTrustedProxy, slot, _context);
        _registry.Add(session);
        // The session gives the slot back when it ends.
        _ = session.RunAsync();
    }

    /// <summary>Made once: it is sent when the daemon is fullest.</summary>
    private static readonly byte[] TooManyConnections = HttpResponses.Error(503, "Too many connections; try again later.",
                                                                           [new KeyValuePair<string, string>("Retry-After", "5")]);

    /// <summary>503 before any upgrade; the request is not read, so the socket lingers briefly to let the answer arrive.</summary>
    private static async Task RejectBusyAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await LingeringClose.SendThenDrainAsync(socket, TooManyConnections, long.MaxValue, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException) { }
        }
    }

    /// <summary>Graceful stop. First, for drain-delay, /healthz answers 503 "draining" while everything is
    /// served as before: a load balancer's checks take the instance out of rotation before anyone is turned
    /// away or closed, so the clients closed next reconnect to another instance. Then the drain: while
    /// connections drain (commands in flight finish within shutdown-timeout, idle ones close with 1001) the
    /// port stays open and new upgrade requests get 503 with Retry-After. Once drained (or at
    /// shutdown-timeout) the port closes, what is left is closed with 1001, and the backend pool is freed.</summary>
    public Task StopAsync()
    {
        lock (_stopGate) return _stop ??= StopOnceAsync();
    }

    /// <summary>Ends drain-delay now (a second SIGTERM): the drain begins. Nothing when there is no delay running.</summary>
    public void EndDrainDelay()
    {
        try { _drainDelay.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    private async Task StopOnceAsync()
    {
        _lifecycle.AnnounceStop();
        TimeSpan delay = _live.Current.DrainDelay;
        if (delay > TimeSpan.Zero && !_drainDelay.IsCancellationRequested)
        {
            _log.LogInformation("stopping: /healthz answers 503 draining; serving on for drain-delay ({Seconds}s) before the drain "
                                + "(a second SIGTERM starts it now)", (long)delay.TotalSeconds);
            try { await Task.Delay(delay, _drainDelay.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { _log.LogInformation("drain-delay cut short"); }
        }
        _lifecycle.BeginDraining();
        _log.LogInformation("stopping: {Sessions} connections to drain; new clients get 503 meanwhile", _registry.Count);
        _registry.BeginDrain();
        GatewayOptions options = _live.Current;
        bool drained = await WaitAsync(_registry.WhenEmpty(), options.ShutdownTimeout).ConfigureAwait(false);
        _stopping.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        if (!drained) _log.LogWarning("shutdown-timeout reached; closing {Sessions} connections", _registry.Count);
        // Drained or not, what is left now is closed: commands cut short, or clients that came during the drain
        // and have not finished their request yet.
        if (_registry.Count > 0)
        {
            _registry.ForceCloseAll();
            await WaitAsync(_registry.WhenEmpty(), options.CloseTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        if (_opsListener is not null) await _opsListener.DisposeAsync().ConfigureAwait(false);
        await _watching.ConfigureAwait(false);
        _pool.Dispose();
        // After the drain: every command's line is queued; it reaches the file before the process ends.
        if (_context.Audit is { } audit) await audit.CompleteAsync().ConfigureAwait(false);
        _log.LogInformation("stopped");
    }

    private static async Task<bool> WaitAsync(Task task, TimeSpan timeout)
    {
        try { await task.WaitAsync(timeout).ConfigureAwait(false); return true; }
        catch (TimeoutException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        // Disposal is no time to wait for a load balancer.
        EndDrainDelay();
        await StopAsync().ConfigureAwait(false);
        _registry.Dispose();
        _stopping.Dispose();
        _drainDelay.Dispose();
        _reloading.Dispose();
    }
}
