using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.Support;

/// <summary>
/// The real daemon (in-process, on an ephemeral loopback port) in front of the SiREN-protocol peer
/// (or of another SiREN server, such as the real one) and a real temporary file tree. Everything
/// talks over real sockets.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    private readonly SirenPeerServer? _siren;
    private readonly OutputLines? _log;
    private readonly ILoggerFactory? _loggers;

    private GatewayHarness(SirenPeerServer? siren, TempTree files, Gateway gateway, GatewayOptions options, OutputLines? log, ILoggerFactory? loggers)
    {
        _siren = siren;
        Files = files;
        Gateway = gateway;
        Options = options;
        _log = log;
        _loggers = loggers;
    }

    /// <summary>The SiREN peer the daemon relays to (not for a harness made by <see cref="StartInFrontOfAsync"/>).</summary>
    public SirenPeerServer Siren => _siren ?? throw new InvalidOperationException("this daemon relays to a SiREN server the harness does not own");
    public TempTree Files { get; }
    public Gateway Gateway { get; }
    public GatewayOptions Options { get; }
    public int Port => Gateway.Port;

    /// <summary>The daemon's log lines at Debug and above, when started with <c>captureLog: true</c>:
    /// wait for a line with <c>Log.WaitForAsync</c>.</summary>
    public OutputLines Log => _log ?? throw new InvalidOperationException("start the harness with captureLog: true to read the daemon's log");

    /// <param name="configure">Adjusts the daemon's options (the SiREN address and root are filled in).</param>
    /// <param name="peer">The SiREN peer's options (faults, ...).</param>
    /// <param name="startSiren">False: the peer gets a port but is not running (SiREN down at start).</param>
    /// <param name="captureLog">Collects the daemon's log in <see cref="Log"/> (off by default: it costs
    /// memory, which some tests measure).</param>
    public static async Task<GatewayHarness> StartAsync(
        Func<GatewayOptions, GatewayOptions>? configure = null,
        SirenPeerOptions? peer = null,
        bool startSiren = true,
        Action<TempTree>? populate = null,
        bool captureLog = false,
        TimeProvider? clock = null)
    {
        var siren = new SirenPeerServer(peer);
        siren.Start();
        if (!startSiren) await siren.StopAsync();
        return await StartAsync(siren, siren.Port, configure, populate, captureLog, clock);
    }

    /// <summary>The daemon in front of a SiREN server already listening on 127.0.0.1:<paramref name="sirenPort"/>.</summary>
    public static Task<GatewayHarness> StartInFrontOfAsync(
        int sirenPort,
        Func<GatewayOptions, GatewayOptions>? configure = null,
        Action<TempTree>? populate = null,
        bool captureLog = false) =>
        StartAsync(null, sirenPort, configure, populate, captureLog, null);

    private static async Task<GatewayHarness> StartAsync(SirenPeerServer? siren, int sirenPort, Func<GatewayOptions, GatewayOptions>? configure,
                                                        Action<TempTree>? populate, bool captureLog, TimeProvider? clock)
    {
        var files = new TempTree();
        populate?.Invoke(files);
        var options = new GatewayOptions
        {
            Bind = IPAddress.Loopback,
            Port = 0,
            SirenHost = "127.0.0.1",
            SirenPort = sirenPort,
            Root = files.Root,
            SirenConnectTimeout = TimeSpan.FromSeconds(2),
            CloseTimeout = TimeSpan.FromSeconds(2),
        };
        if (configure is not null) options = configure(options);
        OutputLines? log = captureLog ? new OutputLines("the in-process daemon's log") : null;
        ILoggerFactory? loggers = log is null ? null : TestLogging.Capturing(log);
        var gateway = new Gateway(options, loggers ?? TestLogging.Factory, clock ?? TimeProvider.System);
        gateway.Start();
        // Tests start from a known pool: the start-up check's connection idle in it when SiREN answers, none
        // otherwise. Left running, its connection could arrive after a test's first command had opened its own.
        if (!await Wait.UntilAsync(() => gateway.Siren.State != SirenState.Unknown && gateway.Pool.BusyCount == 0))
            Assert.Fail("the daemon's start-up check of SiREN did not end");
        return new GatewayHarness(siren, files, gateway, options, log, loggers);
    }

    public Task<WsClient> ConnectAsync(string path = "/") => WsClient.ConnectAsync(Port, path);

    /// <summary>Connects with "Authorization: Bearer TOKEN".</summary>
    public Task<WsClient> ConnectWithTokenAsync(string token) =>
        WsClient.ConnectAsync(Port, "/", o => o.SetRequestHeader("Authorization", "Bearer " + token));

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        if (_siren is not null) await _siren.DisposeAsync();
        Files.Dispose();
        _loggers?.Dispose();
    }
}

/// <summary>Daemon logs in tests: silent unless WEBSOCKETFY_TEST_LOG is set (then Debug to stderr).</summary>
public static class TestLogging
{
    private static readonly bool ToConsole = Environment.GetEnvironmentVariable("WEBSOCKETFY_TEST_LOG") is not null;

    public static readonly ILoggerFactory Factory =
        ToConsole ? LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddSimpleConsole(o => o.SingleLine = true))
                  : NullLoggerFactory.Instance;

    /// <summary>Loggers that also add Debug and above to <paramref name="lines"/> (a check that something is never
    /// logged covers every level the daemon writes).</summary>
    public static ILoggerFactory Capturing(OutputLines lines) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(LogLevel.Debug);
        b.AddProvider(new LogToLines(lines));
        if (ToConsole) b.AddSimpleConsole(o => o.SingleLine = true);
    });
}
