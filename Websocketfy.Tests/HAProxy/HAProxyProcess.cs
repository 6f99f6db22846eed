using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Websocketfy.Tests.RealSiren;
using Websocketfy.Tests.SirenPeer;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.HAProxy;

/// <summary>
/// Debian's haproxy, run in the foreground with the repository's example configuration
/// (packaging/haproxy/websocketfy.cfg) moved onto loopback: the frontends, the servers and their
/// ops-bind ports (where the checks go) get free ports, TLS a throw-away certificate, logs go to
/// stdout, and a stats socket tells server states.
/// </summary>
internal sealed class HAProxyProcess : IAsyncDisposable
{
    public const string Category = "HAProxy";
    private const string Program = "/usr/sbin/haproxy";

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly string _folder;

    private HAProxyProcess(Process process, string folder, int tcpPort, int tlsPort)
    {
        _process = process;
        _folder = folder;
        TcpPort = tcpPort;
        TlsPort = tlsPort;
    }

    /// <summary>The mode tcp frontend (plain ws://).</summary>
    public int TcpPort { get; }

    /// <summary>The mode http frontend (wss://, TLS ended by HAProxy).</summary>
    public int TlsPort { get; }

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    private string StatsSocket => Path.Combine(_folder, "stats.sock");

    /// <summary>Ends the test as skipped (failed in CI, where .ci/run installs haproxy) when haproxy is missing.</summary>
    public static void Require()
    {
        if (File.Exists(Program)) return;
        const string problem = Program + " is not installed (Debian: apt-get install haproxy).";
        if (SirenBuild.InCi) Assert.Fail(problem + " In CI (CI=true) this is a failure: .ci/run installs it.");
        Assert.Ignore(problem);
    }

    /// <summary>The example configuration with its addresses, ports and certificate replaced; every
    /// replaced text must be in the example, so a change there that the test cannot follow fails here.
    /// A backend without an ops port is checked on its main port, as the example's comment describes for
    /// HAProxy on the instances' host ("port" dropped, check-send-proxy added).</summary>
    public static string Configuration(int tcpPort, int tlsPort, Backend ws1, Backend ws2, string certificate, string statsSocket,
                                       bool proxyV1 = false)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "packaging", "haproxy", "websocketfy.cfg"));
        (string From, string To)[] replacements =
        [
            ("    log /dev/log local0\n", $"    log stdout format raw local0\n    stats socket {statsSocket} mode 600 level admin\n"),
            ("    bind :8080\n", $"    bind 127.0.0.1:{tcpPort}\n"),
            ("    bind :443 ssl crt /etc/haproxy/certs/viewer.example.org.pem alpn http/1.1\n",
             $"    bind 127.0.0.1:{tlsPort} ssl crt {certificate} alpn http/1.1\n"),
            ("server ws1 10.0.0.11:8080 port 9100", ServerLine("ws1", ws1)),
            ("server ws2 10.0.0.12:8080 port 9100", ServerLine("ws2", ws2)),
            // Only the pace of the checks, so the test waits less: the logic (fall 2, rise 2) is the example's.
            ("check inter 2s fall 2 rise 2", "check inter 300ms fall 2 rise 2"),
            // PROXY protocol version 1 (the text header), where the test asks for it.
            (" send-proxy-v2\n", proxyV1 ? " send-proxy\n" : " send-proxy-v2\n"),
        ];
        foreach (var (from, to) in replacements)
        {
            Assert.That(text, Does.Contain(from), "packaging/haproxy/websocketfy.cfg changed: the test replaces this text");
            text = text.Replace(from, to);
        }
        return text;
    }

    private static string ServerLine(string name, Backend backend) => backend.OpsPort is { } ops
        ? $"server {name} 127.0.0.1:{backend.Port} port {ops}"
        : $"server {name} 127.0.0.1:{backend.Port} check-send-proxy";

    /// <summary>An instance as HAProxy sees it: its main port and its ops-bind port (null: checked on the main port).</summary>
    public readonly record struct Backend(int Port, int? OpsPort);

    public static async Task<HAProxyProcess> StartAsync(Backend ws1, Backend ws2, bool proxyV1 = false)
    {
        Require();
        string folder = Directory.CreateTempSubdirectory("websocketfy-haproxy-").FullName;
        string certificate = Path.Combine(folder, "viewer.pem");
        await File.WriteAllTextAsync(certificate, SelfSignedPem());
        int tcpPort = DaemonProcess.FreePort(), tlsPort = DaemonProcess.FreePort();
        string config = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Configuration(tcpPort, tlsPort, ws1, ws2, certificate, Path.Combine(folder, "stats.sock"), proxyV1));

        var check = await Interop.ChildProcess.RunAsync(Program, ["-c", "-f", config]);
        Assert.That(check.ExitCode, Is.Zero, "haproxy -c refuses the example:\n" + check);

        var start = new ProcessStartInfo(Program, ["-db", "-f", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var haproxy = new HAProxyProcess(Process.Start(start)!, folder, tcpPort, tlsPort);
        haproxy._process.OutputDataReceived += (_, e) => haproxy.Keep(e.Data);
        haproxy._process.ErrorDataReceived += (_, e) => haproxy.Keep(e.Data);
        haproxy._process.BeginOutputReadLine();
        haproxy._process.BeginErrorReadLine();
        await haproxy.WaitUntilAsync(async () => File.Exists(haproxy.StatsSocket) && await Accepts(tcpPort) && await Accepts(tlsPort),
                                     "haproxy did not start listening");
        return haproxy;
    }

    private void Keep(string? line)
    {
        if (line is not null) lock (_output) _output.Add(line);
    }

    private static async Task<bool> Accepts(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try { await probe.ConnectAsync(IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }

    /// <summary>The state HAProxy's checks give a server of the mode tcp backend: "UP", "DOWN", "UP 1/2", ...</summary>
    public async Task<string> ServerStatusAsync(string server)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(StatsSocket));
        await socket.SendAsync("show stat\n"u8.ToArray(), SocketFlags.None);
        var reply = new StringBuilder();
        byte[] buffer = new byte[16384];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0) reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        string[] lines = reply.ToString().Split('\n');
        string[] columns = lines[0].TrimStart('#', ' ').Split(',');
        int name = Array.IndexOf(columns, "svname"), proxy = Array.IndexOf(columns, "pxname"), status = Array.IndexOf(columns, "status");
        foreach (string line in lines.Skip(1))
        {
            string[] fields = line.Split(',');
            if (fields.Length > status && fields[proxy] == "websocketfy_tcp" && fields[name] == server) return fields[status];
        }
        return $"(no server {server} in: {reply})";
    }

    public Task WaitForStatusAsync(string server, string status) =>
        WaitUntilAsync(async () => await ServerStatusAsync(server) == status, $"HAProxy never saw {server} {status}");

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        bool holds = false;
        await Wait.UntilAsync(async () => (holds = await condition()) || _process.HasExited, TimeSpan.FromSeconds(60));
        if (holds) return;
        Assert.Fail(_process.HasExited ? $"haproxy exited ({_process.ExitCode}):\n{Output}" : $"{failure} within 60 s:\n{Output}");
    }

    /// <summary>A self-signed certificate and its key in one PEM, as HAProxy's "crt" takes them.</summary>
    private static string SelfSignedPem()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
