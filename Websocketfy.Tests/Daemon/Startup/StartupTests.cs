using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>The built daemon as sysadmins run it: start-up errors refuse before listening, with one
/// clear line on stderr and a distinct exit code; legacy flags and config precedence work end to end.</summary>
[TestFixture]
[NonParallelizable]
public sealed class StartupTests
{
    /// <summary>Runs the daemon with one of its ports already taken on 127.0.0.1; <paramref name="arguments"/> put
    /// "{port}" where the taken port goes.</summary>
    private static async Task<(int Port, int ExitCode, string Stderr)> RunWithPortTakenAsync(params string[] arguments)
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        using var root = new TempTree();
        var (code, stderr) = await DaemonProcess.RunToExitAsync(
            [.. arguments.Select(a => a.Replace("{port}", port.ToString())), "--bind", "127.0.0.1", "--root", root.Root]);
        return (port, code, stderr);
    }

    [Test]
    public async Task PortAlreadyInUse_ExitsWith69_AndSaysSo()
    {
        var (port, code, stderr) = await RunWithPortTakenAsync("--port", "{port}");
        Assert.That(code, Is.EqualTo(69));
        Assert.That(stderr, Does.Contain($"cannot listen on 127.0.0.1 port {port}"));
    }

    [Test]
    public async Task OpsBindPortAlreadyInUse_ExitsWith69_NamingTheOpsListener()
    {
        var (port, code, stderr) = await RunWithPortTakenAsync("--port", "0", "--ops-bind", "127.0.0.1:{port}");
        Assert.That(code, Is.EqualTo(69));
        Assert.That(stderr, Does.Contain($"cannot listen on 127.0.0.1 port {port} (--ops-bind)"));
    }

    [Test]
    public async Task MissingRoot_ExitsWith66()
    {
        var (code, output) = await DaemonProcess.RunToExitAsync("--root", "/nonexistent/pacs");
        Assert.That(code, Is.EqualTo(66));
        Assert.That(output, Does.Contain("/nonexistent/pacs"));
    }

    [TestCase("--port", "70000")]
    [TestCase("--siren", "host:port:extra")]
    [TestCase("--no-such-option", "1")]
    public async Task BadCommandLine_ExitsWith64_WithOneLineOnStderr(string option, string value)
    {
        using var root = new TempTree();
        var (code, output) = await DaemonProcess.RunToExitAsync(option, value, "--root", root.Root);
        Assert.That(code, Is.EqualTo(64));
        Assert.That(output, Does.StartWith("websocketfy: "));
    }

    [Test]
    public async Task UnknownConfigKey_ExitsWith78_NamingFileAndLine()
    {
        using var root = new TempTree();
        string config = root.Write("websocketfy.conf", "# comment\nport = 8080\nprot = 9\n"u8.ToArray());
        var (code, output) = await DaemonProcess.RunToExitAsync("--config", config, "--root", root.Root);
        Assert.That(code, Is.EqualTo(78));
        Assert.That(output, Does.Contain("websocketfy.conf:3"));
        Assert.That(output, Does.Contain("prot"));
    }

    [Test]
    public async Task LegacyFlags_StartTheDaemon_AndItServesUntilSigterm()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        using var root = new TempTree();
        root.Write("a.dcm", [1, 2, 3]);
        int port = DaemonProcess.FreePort();
        await using var daemon = DaemonProcess.Start(["-hi", "127.0.0.1", "-pi", port.ToString(), "-hs", "127.0.0.1", "-ps", siren.Port.ToString(), "--root", root.Root]);
        Assert.That(await daemon.WaitUntilListeningAsync(), Is.EqualTo(port));
        await using (var client = await WsClient.ConnectAsync(port))
        {
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
            Assert.That((await client.RequestAsync("REQUEST a.dcm")).Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
        }
        daemon.Terminate();
        await daemon.AssertExitsCleanlyAsync();
    }

    [Test]
    public async Task CommandLine_BeatsEnvironment_BeatsConfigFile()
    {
        using var root = new TempTree();
        int filePort = DaemonProcess.FreePort(), envPort = DaemonProcess.FreePort(), cliPort = DaemonProcess.FreePort();
        string config = root.Write("w.conf", System.Text.Encoding.UTF8.GetBytes($"port = {filePort}\nbind = 127.0.0.1\nroot = {root.Root}\n"));

        await using (var fromFile = DaemonProcess.Start(["--config", config]))
            Assert.That(await fromFile.WaitUntilListeningAsync(), Is.EqualTo(filePort));
        var environment = new Dictionary<string, string> { ["WEBSOCKETFY_PORT"] = envPort.ToString() };
        await using (var fromEnvironment = DaemonProcess.Start(["--config", config], environment))
            Assert.That(await fromEnvironment.WaitUntilListeningAsync(), Is.EqualTo(envPort));
        await using (var fromCommandLine = DaemonProcess.Start(["--config", config, "--port", cliPort.ToString()], environment))
            Assert.That(await fromCommandLine.WaitUntilListeningAsync(), Is.EqualTo(cliPort));
    }

    [Test]
    public async Task OriginPolicy_WarnsWhenOpen_AndLogsARefusedOrigin_Escaped()
    {
        using var root = new TempTree();
        await using (var open = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--root", root.Root]))
        {
            // Logged right after the "listening" line, by the logger's own thread: wait for it, not for that line.
            await open.Output.WaitForAsync("every browser Origin is allowed; restrict it with --allowed-origins");
        }
        await using var restricted = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--root", root.Root,
                                                          "--allowed-origins", "https://viewer.example.org"]);
        int port = await restricted.WaitUntilListeningAsync();
        using var client = await RawWsClient.ConnectAsync(port, upgrade: false);
        await client.SendRawAsync(RawWsClient.UpgradeRequest("Origin: https://evil.example\"x\r\n"));
        Assert.That(await client.ReadToEndAsync(), Does.StartWith("HTTP/1.1 403 "));
        await restricted.Output.WaitForAsync("refused: origin https://evil.example\\u0022x is not allowed");
        // The warning would have been logged at start-up, before any connection was accepted: the refusal line,
        // written later by the same logger, shows the start-up lines are all in.
        Assert.That(restricted.Output.SoFar, Does.Not.Contain("every browser Origin is allowed"));
    }

    [Test]
    public async Task Console_SaysWhereItIs_AndWhereItsWebSocketGoes()
    {
        using var root = new TempTree();
        await using (var served = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--root", root.Root, "--console"]))
        {
            int port = await served.WaitUntilListeningAsync();
            // Start-up lines come from the logger's own thread: wait for the one asserted on, not the one before it.
            await served.Output.WaitForAsync($"operator console at http://localhost:{port}/ for clients on this machine (loopback)");
        }
        await using var ops = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--root", root.Root, "--console",
                                                   "--ops-bind", "127.0.0.2:0"]);
        int main = await ops.WaitUntilListeningAsync();
        await ops.Output.WaitForAsync(new Regex(@"operator console at / of the ops listener \(127\.0\.0\.2 port \d+\), for any client that reaches it; "
                                                + $@"its WebSocket goes to the main port, port {main} on 127\.0\.0\.1"));
        // The same start-up line says where the console is, once: having it, the loopback wording cannot follow.
        Assert.That(ops.Output.SoFar, Does.Not.Contain("for clients on this machine"));
    }

    [Test]
    public async Task SirenDownAtStart_IsAWarning_NotAnError()
    {
        using var root = new TempTree();
        int deadPort = DaemonProcess.FreePort();
        await using var daemon = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--siren", $"127.0.0.1:{deadPort}", "--root", root.Root, "--siren-connect-timeout", "1"]);
        int port = await daemon.WaitUntilListeningAsync();
        await using var client = await WsClient.ConnectAsync(port);
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("Command failed.\nSiREN server is unavailable.\n"));
        await daemon.Output.WaitForAsync("is down: ");
        await daemon.Output.WaitForAsync("unavailable");
    }
}
