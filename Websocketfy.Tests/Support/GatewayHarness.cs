using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon;
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

    private GatewayHarness(SirenPeerServer? siren, TempTree files, Gateway gateway, GatewayOptions options)
    {
        _siren = siren;
        Files = files;
        Gateway = gateway;
        Options = options;
    }

    /// <summary>The SiREN peer the daemon relays to (not for a harness made by <see cref="StartInFrontOf"/>).</summary>
    public SirenPeerServer Siren => _siren ?? throw new InvalidOperationException("this daemon relays to a SiREN server the harness does not own");
    public TempTree Files { get; }
    public Gateway Gateway { get; }
    public GatewayOptions Options { get; }
    public int Port => Gateway.Port;

    /// <param name="configure">Adjusts the daemon's options (the SiREN address and root are filled in).</param>
    /// <param name="peer">The SiREN peer's options (faults, ...).</param>
    /// <param name="startSiren">False: the peer gets a port but is not running (SiREN down at start).</param>
    /// <param name="loggers">Where the daemon logs (e.g. a <see cref="CapturedLog"/>); silent by default.</param>
    public static async Task<GatewayHarness> StartAsync(
        Func<GatewayOptions, GatewayOptions>? configure = null,
        SirenPeerOptions? peer = null,
        bool startSiren = true,
        Action<TempTree>? populate = null,
        TimeProvider? clock = null,
        ILoggerFactory? loggers = null)
    {
        var siren = new SirenPeerServer(peer);
        siren.Start();
        if (!startSiren) await siren.StopAsync();
        return Start(siren, siren.Port, configure, populate, clock, loggers);
    }

    /// <summary>The daemon in front of a SiREN server already listening on 127.0.0.1:<paramref name="sirenPort"/>.</summary>
    public static GatewayHarness StartInFrontOf(
        int sirenPort,
        Func<GatewayOptions, GatewayOptions>? configure = null,
        Action<TempTree>? populate = null) =>
        Start(null, sirenPort, configure, populate, null, null);

    private static GatewayHarness Start(SirenPeerServer? siren, int sirenPort, Func<GatewayOptions, GatewayOptions>? configure,
                                        Action<TempTree>? populate, TimeProvider? clock, ILoggerFactory? loggers)
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
        var gateway = new Gateway(options, loggers ?? TestLogging.Factory, clock ?? TimeProvider.System);
        gateway.Start();
        return new GatewayHarness(siren, files, gateway, options);
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
    }
}

/// <summary>Daemon logs in tests: silent unless WEBSOCKETFY_TEST_LOG is set (then Debug to stderr).</summary>
public static class TestLogging
{
    public static readonly ILoggerFactory Factory =
        Environment.GetEnvironmentVariable("WEBSOCKETFY_TEST_LOG") is null
            ? NullLoggerFactory.Instance
            : LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddSimpleConsole(o => o.SingleLine = true));
}
