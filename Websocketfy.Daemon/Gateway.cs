using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
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
/// connection to a session, and on stop drains them in order: keep the port open but turn new
/// clients away with 503 (so a load balancer's /healthz sees 503 while work finishes), let commands
/// in flight finish (shutdown-timeout), stop accepting, close the rest with 1001, free the backend pool.
/// </summary>
public sealed class Gateway : IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ILogger _log;
    private readonly ILogger _sirenLog;
    private readonly FileTree _files;
    private readonly SirenPool _pool;
    private readonly SessionRegistry _registry = new();
    private readonly ConnectionLimiter _limiter;
    private readonly SessionContext _context;
    private readonly SirenHealth _siren = new();
    private readonly Lifecycle _lifecycle = new();
    private readonly OperatorEndpoints _operator;
    private readonly CancellationTokenSource _stopping = new();
    private Listener? _listener;
    private OperatorListener? _opsListener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _sirenWatch = Task.CompletedTask;
    private Task? _stop;

    /// <summary>Checks the root (throws DirectoryNotFoundException / UnauthorizedAccessException when unusable).</summary>
    public Gateway(GatewayOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _log = loggers.CreateLogger("Websocketfy.Gateway");
        _files = new FileTree(options.Root);
        Metrics = new Metrics();
        _sirenLog = loggers.CreateLogger("Websocketfy.Siren");
        _siren.Changed += OnSirenChanged;
        _pool = new SirenPool(options, Metrics, _sirenLog);
        _limiter = new ConnectionLimiter(options.MaxConnections, options.MaxConnectionsPerIp);
        _operator = new OperatorEndpoints(Metrics, _pool, _siren, new RootWatch(options.Root), _lifecycle);
        var policy = new HandshakePolicy { IsOriginAllowed = OriginPolicy.Create(options) };
        _context = new SessionContext(options, _files, new SirenRelay(_pool, options, _sirenLog, _siren),
                                      _pool, Metrics, policy, _registry, _operator, _lifecycle, loggers);
    }

    public Metrics Metrics { get; }

    /// <summary>The port of the ops-bind listener (useful with port 0); null without ops-bind.</summary>
    public int? OpsPort => _opsListener?.Port;

    /// <summary>Raised when SiREN goes up or down (after the change is logged), e.g. to refresh sd_notify STATUS.</summary>
    public event Action? SirenChanged;

    /// <summary>The one-line state for sd_notify STATUS=: "serving 12 connections, SiREN up".</summary>
    public string StatusLine => StatusText.Describe(Metrics.OpenSessions, _siren.Status, _lifecycle.IsDraining);

    internal SirenHealth Siren => _siren;
    internal OperatorEndpoints Operator => _operator;

    /// <summary>The bound port (useful with --port 0).</summary>
    public int Port => _listener?.Port ?? throw new InvalidOperationException("not started");

    internal int IdleBackendConnections => _pool.IdleCount;
    internal int SessionCount => _registry.Count;

    /// <summary>Binds the port and the ops-bind listener (throws <see cref="CannotListenException"/> when
    /// either cannot be bound), starts watching SiREN and accepting.</summary>
    public void Start()
    {
        _listener = Bind(() => Listener.Bind(_options.Bind, _options.Port, backlog: 512), $"{_options.Bind} port {_options.Port}");
        if (_options.OpsBind is { } ops)
        {
            try
            {
                _opsListener = Bind(() => OperatorListener.Start(ops, _operator, _options, Metrics, _log),
                                    $"{ops.Address} port {ops.Port} (--ops-bind)");
            }
            catch
            {
                _listener.Dispose();
                throw;
            }
        }
        _log.LogInformation("listening on {Address} port {Port}; files under {Root}; SiREN at {Host}:{SirenPort}",
                            _options.Bind, Port, _files.RealRoot, _options.SirenHost, _options.SirenPort);
        if (_opsListener is not null)
            _log.LogInformation("operator endpoints /healthz and /metrics on {Address} port {OpsPort}, not on the main port",
                                _options.OpsBind!.Address, _opsListener.Port);
        if (_options.AllowedOrigins.Count == 0)
            _log.LogWarning("every browser Origin is allowed; restrict it with --allowed-origins https://viewer.example.org (see websocketfy.conf)");
        _sirenWatch = new SirenWatch(_pool, _siren, _options).RunAsync(_stopping.Token);
        _acceptLoop = _listener.AcceptLoopAsync(Admit, _log, _stopping.Token);
    }

    private static T Bind<T>(Func<T> bind, string where)
    {
        try { return bind(); }
        catch (SocketException ex) { throw new CannotListenException(where, ex); }
    }

    private void OnSirenChanged(SirenStatus status)
    {
        if (status.State == SirenState.Up)
            _sirenLog.LogInformation("SiREN at {Host}:{Port} answers", _options.SirenHost, _options.SirenPort);
        else
            _sirenLog.LogWarning("SiREN at {Host}:{Port} is down: {Detail}; SQL commands get a 'Command failed.' reply until it answers",
                            _options.SirenHost, _options.SirenPort, status.LastError);
        SirenChanged?.Invoke();
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

    /// <summary>Graceful stop. While connections drain (commands in flight finish within shutdown-timeout,
    /// idle ones close with 1001) the port stays open: new upgrade requests get 503 with Retry-After and
    /// /healthz answers 503 "draining", so a load balancer stops sending clients here. Once drained (or at
    /// shutdown-timeout) the port closes, what is left is closed with 1001, and the backend pool is freed.</summary>
    public Task StopAsync()
    {
        lock (_stopping) return _stop ??= StopOnceAsync();
    }

    private async Task StopOnceAsync()
    {
        _lifecycle.BeginDraining();
        _log.LogInformation("stopping: {Sessions} connections to drain; new clients get 503 meanwhile", _registry.Count);
        _registry.BeginDrain();
        bool drained = await WaitAsync(_registry.WhenEmpty(), _options.ShutdownTimeout).ConfigureAwait(false);
        _stopping.Cancel();
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        if (!drained) _log.LogWarning("shutdown-timeout reached; closing {Sessions} connections", _registry.Count);
        // Drained or not, what is left now is closed: commands cut short, or clients that came during the drain
        // and have not finished their request yet.
        if (_registry.Count > 0)
        {
            _registry.ForceCloseAll();
            await WaitAsync(_registry.WhenEmpty(), _options.CloseTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        if (_opsListener is not null) await _opsListener.DisposeAsync().ConfigureAwait(false);
        await _sirenWatch.ConfigureAwait(false);
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
    }
}
