using System.Net;
using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.RealSiren;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.HAProxy;

/// <summary>One client behind HAProxy: its connection, the instance that serves it, its address.</summary>
internal sealed record ScaleOutClient(RawWsClient Ws, string Instance, IPEndPoint Local) : IDisposable
{
    /// <summary>How the daemon that serves this client writes it in its log.</summary>
    public string Logged => $"connection {Local} via 127.0.0.1:";

    public void Dispose() => Ws.Dispose();
}

/// <summary>
/// The production layout on loopback: one SiREN (the SiREN-protocol peer), two daemon processes ws1
/// and ws2 behind HAProxy with the example configuration, each trusting HAProxy (127.0.0.1), reading
/// its PROXY header and serving HAProxy's health checks on its ops-bind port. Each instance serves a
/// tree with an instance.txt naming it, so a client can ask which one it reached, and reaches SiREN
/// through a relay of its own that a test can hold (a command then stays in flight). Clients connect
/// from 127.0.0.2 and up, addresses HAProxy reports.
/// </summary>
internal sealed class ScaleOut : IAsyncDisposable
{
    public const string Images = "id, label, path\n";

    private readonly List<TempTree> _trees = [];
    private readonly Dictionary<string, Instance> _instances = [];

    private sealed record Instance(DaemonProcess Daemon, HAProxyProcess.Backend Ports, PausableRelay SirenLink);

    private ScaleOut(SirenPeerServer siren) => Siren = siren;

    public SirenPeerServer Siren { get; }
    public HAProxyProcess HAProxy { get; private set; } = null!;

    public DaemonProcess this[string instance] => _instances[instance].Daemon;

    /// <summary>Waits until either instance writes a line containing <paramref name="text"/> (which one HAProxy
    /// chose is not known beforehand); returns that instance and the line.</summary>
    public async Task<(string Instance, string Line)> WaitForLineOnEitherAsync(string text)
    {
        (string Instance, string Line)? found = null;
        await Wait.ForAsync(() =>
        {
            foreach (var (name, instance) in _instances)
            {
                if (instance.Daemon.Output.FirstLineWith(text) is { } line) found = (name, line);
            }
            return found is not null;
        }, $"a line with \"{text}\" from either instance");
        return found!.Value;
    }

    /// <summary>The instance's ops-bind port: its /healthz as HAProxy's checks read it.</summary>
    public int OpsPortOf(string instance) => _instances[instance].Ports.OpsPort ?? throw new InvalidOperationException("no ops-bind in this layout");

    /// <summary>The instance's way to SiREN, to hold replies with.</summary>
    public PausableRelay SirenLinkOf(string instance) => _instances[instance].SirenLink;

    public static Task<ScaleOut> StartAsync(params string[] daemonArguments) => StartAsync(new Checks(), daemonArguments);

    /// <summary>How HAProxy reaches the instances: <paramref name="OnMainPort"/> = its checks go to the main
    /// port with check-send-proxy (HAProxy on the instances' host; no ops-bind), <paramref name="ProxyV1"/> =
    /// send-proxy (the text header) instead of send-proxy-v2.</summary>
    public readonly record struct Checks(bool OnMainPort = false, bool ProxyV1 = false);

    public static async Task<ScaleOut> StartAsync(Checks checks, params string[] daemonArguments)
    {
        HAProxyProcess.Require();
        var siren = new SirenPeerServer();
        siren.Start();
        var layout = new ScaleOut(siren);
        try
        {
            foreach (string instance in new[] { "ws1", "ws2" })
            {
                var tree = new TempTree();
                layout._trees.Add(tree);
                tree.Write("instance.txt", Encoding.ASCII.GetBytes(instance));
                var link = new PausableRelay(siren.Port);
                var ports = new HAProxyProcess.Backend(DaemonProcess.FreePort(), checks.OnMainPort ? null : DaemonProcess.FreePort());
                string[] opsBind = ports.OpsPort is { } ops ? ["--ops-bind", $"127.0.0.1:{ops}"] : [];
                var daemon = DaemonProcess.Start(
                [
                    "--port", ports.Port.ToString(), "--bind", "127.0.0.1", "--siren", $"127.0.0.1:{link.Port}", "--root", tree.Root,
                    "--trusted-proxies", "127.0.0.1", "--proxy-protocol", .. opsBind,
                    // The test's clients read only when they expect an answer and never answer a ping: on a busy
                    // machine a test may outlast ping-interval + ping-timeout, which would close them.
                    "--ping-interval", "60m", .. daemonArguments,
                ]);
                layout._instances[instance] = new Instance(daemon, ports, link);
                await daemon.WaitUntilListeningAsync();
            }
            layout.HAProxy = await HAProxyProcess.StartAsync(layout._instances["ws1"].Ports, layout._instances["ws2"].Ports, checks.ProxyV1);
            await layout.HAProxy.WaitForStatusAsync("ws1", "UP");
            await layout.HAProxy.WaitForStatusAsync("ws2", "UP");
            return layout;
        }
        catch
        {
            await layout.DisposeAsync();
            throw;
        }
    }

    public static IPAddress Address(int n) => IPAddress.Parse($"127.0.0.{n}");

    /// <summary>Connects through HAProxy's mode tcp frontend from <paramref name="from"/> and asks which instance answers.</summary>
    public async Task<ScaleOutClient> ConnectAsync(IPAddress from)
    {
        var ws = await RawWsClient.ConnectAsync(HAProxy.TcpPort, upgrade: true, from: from);
        return new ScaleOutClient(ws, await InstanceOfAsync(ws), (IPEndPoint)ws.Socket.LocalEndPoint!);
    }

    public static async Task<string> InstanceOfAsync(RawWsClient ws) => await CommandAsync(ws, "REQUEST instance.txt");

    /// <summary>One command and its reply (a text or binary message, as text); "(closed)" when the connection ended instead.</summary>
    public static async Task<string> CommandAsync(RawWsClient ws, string command)
    {
        await ws.SendTextAsync(command);
        var frame = await ws.ReadFrameAsync(TimeSpan.FromSeconds(30));
        return frame is null ? "(closed)" : frame.Opcode == 0x8 ? $"(close {frame.CloseCode})" : Encoding.UTF8.GetString(frame.Payload);
    }

    public static async Task QuitAsync(ScaleOutClient client)
    {
        await client.Ws.SendTextAsync("QUIT");
        await client.Ws.ReadUntilCloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (HAProxy is not null) await HAProxy.DisposeAsync();
        foreach (var instance in _instances.Values)
        {
            await instance.Daemon.DisposeAsync();
            await instance.SirenLink.DisposeAsync();
        }
        await Siren.DisposeAsync();
        foreach (var tree in _trees) tree.Dispose();
    }
}
