using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Websocketfy.Daemon.Ops;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Reload;

/// <summary>
/// SIGHUP on the built daemon process, as systemctl reload sends it: the config file, the start-time
/// environment and the certificate files are read again; what can change live does so for new work,
/// nobody is dropped, and a configuration with a mistake changes nothing.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SighupTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private SirenPeerServer _siren = null!;
    private TempTree _root = null!;
    private string _config = null!;

    [SetUp]
    public void SetUp()
    {
        _siren = new SirenPeerServer();
        _siren.Start();
        _root = new TempTree();
        _root.Write("study/slice.dcm", "DICM slice\n"u8.ToArray());
        _config = Path.Combine(_root.Root, "websocketfy.conf");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _siren.DisposeAsync();
        _root.Dispose();
    }

    [Test]
    public async Task OpenConnectionKeepsWorking_NewConnectionsGetTheNewSettingsAndTheRenewedCertificate()
    {
        using var pki = new TestPki();
        var original = pki.Issue();
        WriteConfig(BaseLines(), $"tls-certificate = {original.CertificatePath}", $"tls-key = {original.KeyPath}",
                    "max-message-size = 1M", "allowed-origins = https://old.example");
        await using var daemon = StartWithConfig();
        int port = await daemon.WaitUntilListeningAsync();
        var (before, seenBefore) = await WssClient.ConnectSeeingAsync(port, pki, "https://old.example");
        await using var openBefore = before;
        Assert.That(seenBefore, Is.EqualTo(original.Fingerprint));

        var renewed = pki.Issue(certificatePath: original.CertificatePath, keyPath: original.KeyPath);
        WriteConfig(BaseLines(), $"tls-certificate = {original.CertificatePath}", $"tls-key = {original.KeyPath}",
                    "max-message-size = 1K", "allowed-origins = https://new.example");
        await ReloadAsync(daemon, "reload complete");

        Assert.That((await openBefore.RequestAsync("REQUEST study/slice.dcm")).Text, Is.EqualTo("DICM slice\n"),
                    "REQUEST on the connection opened before the reload");
        Assert.That((await openBefore.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"), "SQL on it");
        Assert.ThrowsAsync<WebSocketException>(async () => await WssClient.ConnectAsync(port, pki, origin: "https://old.example"),
                                               "the old origin is no longer allowed");
        var (after, seenAfter) = await WssClient.ConnectSeeingAsync(port, pki, "https://new.example");
        await using var openAfter = after;
        Assert.That(seenAfter, Is.EqualTo(renewed.Fingerprint).And.Not.EqualTo(original.Fingerprint), "new handshakes get the renewed certificate");
        Assert.That(await CloseStatusAfterSendingAsync(openAfter, 2048), Is.EqualTo(WebSocketCloseStatus.MessageTooBig),
                    "the new max-message-size applies");
    }

    [Test]
    public async Task MistakeInTheConfigFile_IsLoggedWithFileAndLine_AndTheRunningSettingsStay()
    {
        WriteConfig(BaseLines(), "max-message-size = 1K");
        await using var daemon = StartWithConfig();
        int port = await daemon.WaitUntilListeningAsync();

        WriteConfig(BaseLines(), "max-message-size = 64K", "max-mesage-size = 2K");
        string refusal = await ReloadAsync(daemon, "reload refused");

        Assert.That(refusal, Does.Contain($"reload refused: {_config}:6: unknown key 'max-mesage-size'; still serving with the previous configuration"));
        await using var client = await WsClient.ConnectAsync(port);
        Assert.That((await client.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"), "the daemon keeps serving");
        Assert.That(await CloseStatusAfterSendingAsync(client, 2048), Is.EqualTo(WebSocketCloseStatus.MessageTooBig),
                    "not even the valid line of the refused file was applied");
    }

    [Test]
    public async Task KeyFileThatNoLongerMatchesTheCertificate_IsRefused_AndTheRunningCertificateStays()
    {
        using var pki = new TestPki();
        var original = pki.Issue();
        WriteConfig(BaseLines(), $"tls-certificate = {original.CertificatePath}", $"tls-key = {original.KeyPath}");
        await using var daemon = StartWithConfig();
        int port = await daemon.WaitUntilListeningAsync();

        // A renewal half done: the new key is in place, the new certificate not yet.
        pki.Issue(certificatePath: Path.Combine(pki.Directory, "not-yet.pem"), keyPath: original.KeyPath);
        string refusal = await ReloadAsync(daemon, "reload refused");

        Assert.That(refusal, Does.Contain($"tls-key '{original.KeyPath}' cannot be used with the first certificate of '{original.CertificatePath}'"));
        var (client, seen) = await WssClient.ConnectSeeingAsync(port, pki);
        await using (client)
        {
            Assert.That(seen, Is.EqualTo(original.Fingerprint));
            Assert.That((await client.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"));
        }
    }

    [Test]
    public async Task PortChange_IsLoggedAsNeedingARestart_TheDaemonStaysOnItsPort_AndTheOtherChangesApply()
    {
        int port = DaemonProcess.FreePort();
        int other = DaemonProcess.FreePort();
        WriteConfig(BaseLines(port), "idle-timeout = 0", "log-level = information");
        await using var daemon = StartWithConfig();
        Assert.That(await daemon.WaitUntilListeningAsync(), Is.EqualTo(port));

        // 10 s: ample time for the query below, even on a busy machine; before the reload the timeout was off.
        WriteConfig(BaseLines(other), "idle-timeout = 10", "log-level = debug");
        int mark = daemon.Output.Count;
        await ReloadAsync(daemon, "reload complete");

        Assert.That(await daemon.Output.WaitForLineAsync("reload: port", mark),
                    Does.EndWith($"reload: port changed from {port} to {other}: that needs a restart; still {port}"));
        await using var client = await WsClient.ConnectAsync(port);
        Assert.That((await client.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"), "still serving on the old port");
        Assert.That(await daemon.Output.WaitForLineAsync("dbug:", mark), Does.Contain("Websocketfy."), "the new log level applies");
        var idleEnd = await client.ReceiveAsync();
        Assert.That((idleEnd.CloseStatus, idleEnd.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.EndpointUnavailable, "idle timeout")),
                    "the new idle-timeout applies");
    }

    [Test]
    public async Task NewSirenAddress_ClosesTheIdleConnectionToTheOldOne_AndTheNextCommandGoesToTheNewOne()
    {
        await using var newSiren = new SirenPeerServer();
        newSiren.Start();
        WriteConfig(BaseLines());
        await using var daemon = StartWithConfig();
        int port = await daemon.WaitUntilListeningAsync();
        // The start-up probe's connection is in the pool first; else the command might open a second one.
        await daemon.Output.WaitForAsync($"SiREN at 127.0.0.1:{_siren.Port} answers");
        await using var client = await WsClient.ConnectAsync(port);
        Assert.That((await client.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"));
        Assert.That(_siren.ActiveConnections, Is.EqualTo(1), "one idle connection in the daemon's pool");

        WriteConfig(BaseLines(siren: newSiren.Port));
        await ReloadAsync(daemon, "reload complete");

        Assert.That(await Wait.UntilAsync(() => _siren.ActiveConnections == 0, Patience), Is.True,
                    "the idle connection to the old SiREN is closed");
        Assert.That((await client.RequestAsync("SELECT 2 AS b")).Text, Is.EqualTo("b\n2\n"));
        Assert.That((_siren.CommandCount, newSiren.CommandCount), Is.EqualTo((1, 1)));
    }

    [Test]
    public async Task CommandLineAndStartEnvironment_StillWinOverTheFileOnReload()
    {
        WriteConfig(BaseLines(), "max-message-size = 1M", "allowed-origins = https://file.example");
        await using var daemon = DaemonProcess.Start(["--config", _config, "--bind", "127.0.0.1", "--port", "0",
                                                      "--allowed-origins", "https://cli.example"],
                                                     new Dictionary<string, string> { ["WEBSOCKETFY_MAX_MESSAGE_SIZE"] = "1K" });
        int port = await daemon.WaitUntilListeningAsync();

        WriteConfig(BaseLines(), "max-message-size = 2M", "allowed-origins = https://other.example", "require-origin = true");
        await ReloadAsync(daemon, "reload complete");

        Assert.ThrowsAsync<WebSocketException>(async () => await WsClient.ConnectAsync(port), "the file's require-origin was applied");
        await using var client = await WsClient.ConnectAsync(port, configure: o => o.SetRequestHeader("Origin", "https://cli.example"));
        Assert.That(await CloseStatusAfterSendingAsync(client, 2048), Is.EqualTo(WebSocketCloseStatus.MessageTooBig),
                    "max-message-size from the environment the daemon was started with still wins");
    }

    [Test]
    public async Task Reload_IsAnnouncedToSystemd_ReloadingWithTheMonotonicClock_ThenReady()
    {
        string socketPath = Path.Combine(_root.Root, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        WriteConfig(BaseLines());
        await using var daemon = DaemonProcess.Start(["--config", _config, "--bind", "127.0.0.1", "--port", "0"],
                                                     new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath });
        await daemon.WaitUntilListeningAsync();
        await NextNotificationWithAsync(notify, "READY=1");

        long before = MonotonicClock.NowMicroseconds();
        daemon.Hangup();
        string reloading = await NextNotificationWithAsync(notify, "RELOADING=1");
        long after = MonotonicClock.NowMicroseconds();
        string ready = await NextNotificationWithAsync(notify, "READY=1");

        long stamp = long.Parse(reloading.Split('\n').Single(l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal))["MONOTONIC_USEC=".Length..]);
        Assert.That(stamp, Is.InRange(before, after), "MONOTONIC_USEC is CLOCK_MONOTONIC in microseconds, read when the reload began");
        Assert.That(ready, Does.StartWith("READY=1"));
    }

    private string[] BaseLines(int port = 0, int? siren = null) =>
    [
        "# written by SighupTests",
        $"siren = 127.0.0.1:{siren ?? _siren.Port}",
        $"root = {_root.Root}",
        $"port = {port}",
    ];

    private void WriteConfig(string[] baseLines, params string[] more)
    {
        // Written whole and renamed into place, as a configuration tool would, so a reload never reads half a file.
        string temporary = _config + ".new";
        File.WriteAllText(temporary, string.Join('\n', [.. baseLines, .. more]) + "\n");
        File.Move(temporary, _config, overwrite: true);
    }

    private DaemonProcess StartWithConfig() => DaemonProcess.Start(["--config", _config, "--bind", "127.0.0.1"]);

    /// <summary>Sends SIGHUP and returns the first later line containing <paramref name="outcome"/>.</summary>
    private static async Task<string> ReloadAsync(DaemonProcess daemon, string outcome)
    {
        int mark = daemon.Output.Count;
        daemon.Hangup();
        return await daemon.Output.WaitForLineAsync(outcome, mark);
    }

    private static async Task<WebSocketCloseStatus?> CloseStatusAfterSendingAsync(WsClient client, int size)
    {
        await client.SendTextAsync(new string('x', size));
        return (await client.ReceiveUntilCloseAsync()).CloseStatus;
    }

    /// <summary>Reads datagrams until one contains <paramref name="field"/> (others, such as STATUS= updates, are skipped).</summary>
    private static async Task<string> NextNotificationWithAsync(Socket notify, string field)
    {
        using var bound = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        while (true)
        {
            int n = await notify.ReceiveAsync(buffer, SocketFlags.None, bound.Token);
            string message = Encoding.UTF8.GetString(buffer, 0, n);
            if (message.Split('\n').Contains(field)) return message;
        }
    }
}
