using System.Net.Http;
using System.Text;
using Websocketfy.Daemon.Auth;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>Access control on the daemon process as sysadmins run it: SIGHUP reloads, the audit trail
/// across logrotate, a full disk and SIGTERM, start-up checks, and no credential in the log.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AccessProcessTests
{
    private SirenPeerServer _siren = null!;
    private TempTree _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _siren = new SirenPeerServer();
        _siren.Start();
        _dir = new TempTree();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _siren.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(DaemonProcess Daemon, int Port)> StartAsync(params string[] arguments)
    {
        var daemon = DaemonProcess.Start([
            "--bind", "127.0.0.1", "--port", "0", "--siren", $"127.0.0.1:{_siren.Port}", "--root", _dir.Root, .. arguments]);
        return (daemon, await daemon.WaitUntilListeningAsync());
    }

    private static async Task<string> SelectOneAsync(int port, string token)
    {
        await using var client = await WsClient.ConnectAsync(port, "/", o => o.SetRequestHeader("Authorization", "Bearer " + token));
        return (await client.RequestAsync("SELECT 1")).Text;
    }

    private static async Task<int> StatusAsync(int port, string token) =>
        (await Upgrade.TryAsync(port, $"Authorization: Bearer {token}\r\n")).Status;

    [Test]
    public async Task Sighup_RereadsTheTokensFile()
    {
        var (alice, aliceLine) = TokenCommand.NewToken("alice", "viewer");
        var (bob, bobLine) = TokenCommand.NewToken("bob", "admin");
        string tokens = _dir.Write("tokens", Encoding.UTF8.GetBytes(aliceLine + "\n"));
        var (daemon, port) = await StartAsync("--auth", "token", "--tokens-file", tokens);
        await using (daemon)
        {
            Assert.That(await SelectOneAsync(port, alice), Is.EqualTo("1\n1\n"));
            Assert.That(await StatusAsync(port, bob), Is.EqualTo(401));

            File.WriteAllText(tokens, "# alice left\n" + bobLine + "\n");
            int lines = daemon.Output.Count;
            daemon.Hangup();
            Assert.That(await daemon.Output.WaitForLineAsync("reload: authentication by token", lines), Does.Contain("1 tokens"));
            Assert.That(await SelectOneAsync(port, bob), Is.EqualTo("1\n1\n"));
            Assert.That(await StatusAsync(port, alice), Is.EqualTo(401));

            File.WriteAllText(tokens, $"bob nosuchrole {TokenCommand.Digest(bob)}\n");
            lines = daemon.Output.Count;
            daemon.Hangup();
            Assert.That(await daemon.Output.WaitForLineAsync("reload refused", lines), Does.Contain($"tokens file {tokens}:1: unknown role 'nosuchrole'"));
            Assert.That(await SelectOneAsync(port, bob), Is.EqualTo("1\n1\n"), "a broken file keeps what worked");
        }
    }

    [Test]
    public async Task Sighup_RereadsTheJwtKeys()
    {
        using var first = new JwtKit();
        using var second = new JwtKit();
        string keys = _dir.Write("jwks.json", Encoding.UTF8.GetBytes(first.Jwks()));
        var (daemon, port) = await StartAsync("--auth", "jwt", "--jwt-keys", keys, "--jwt-issuer", JwtKit.Issuer, "--jwt-audience", JwtKit.Audience);
        await using (daemon)
        {
            Assert.That(await SelectOneAsync(port, first.Token("alice", "viewer")), Is.EqualTo("1\n1\n"));
            Assert.That(await StatusAsync(port, second.Token("bob", "viewer")), Is.EqualTo(401));

            File.WriteAllText(keys, second.Jwks());
            int lines = daemon.Output.Count;
            daemon.Hangup();
            await daemon.Output.WaitForLineAsync("reload: authentication by JWT", lines);
            Assert.That(await SelectOneAsync(port, second.Token("bob", "viewer", SecurityAlgorithmsEs)), Is.EqualTo("1\n1\n"));
            Assert.That(await StatusAsync(port, first.Token("alice", "viewer")), Is.EqualTo(401));
        }
    }

    /// <summary>The JWT path in the process (and, with WEBSOCKETFY_TEST_DAEMON, in the native binary, where
    /// reflection-based JSON would break): every accepted algorithm gets in, every forgery gets 401.</summary>
    [Test]
    public async Task Jwt_AcceptsTheThreeAlgorithms_AndRefusesForgeries()
    {
        using var kit = new JwtKit();
        using var stranger = new JwtKit();
        string keys = _dir.Write("jwks.json", Encoding.UTF8.GetBytes(kit.Jwks()));
        var (daemon, port) = await StartAsync("--auth", "jwt", "--jwt-keys", keys, "--jwt-issuer", JwtKit.Issuer, "--jwt-audience", JwtKit.Audience);
        await using (daemon)
        {
            foreach (string algorithm in (string[])["RS256", "PS256", "ES256"])
                Assert.That(await SelectOneAsync(port, kit.Token("alice", new[] { "viewer" }, algorithm)), Is.EqualTo("1\n1\n"), algorithm);
            string[] forgeries =
            [
                kit.UnsignedToken(), kit.Hs256WithPublicKeyAsSecret(), stranger.Token(role: "admin"),
                kit.Token(role: "admin", issuer: "https://evil.test"), kit.Token(role: "admin", audience: "other"),
                kit.Token(role: "admin", expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-10)),
            ];
            foreach (string forgery in forgeries)
                Assert.That(await StatusAsync(port, forgery), Is.EqualTo(401));
            Assert.That(await StatusAsync(port, kit.Token("alice", "auditor")), Is.EqualTo(403));
        }
    }

    private const string SecurityAlgorithmsEs = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256;

    [Test]
    public async Task AuditLog_IsReopenedOnSighup_AndFlushedBySigterm()
    {
        string audit = Path.Combine(_dir.Root, "audit.log");
        var (daemon, port) = await StartAsync("--audit-log", audit);
        await using (daemon)
        {
            await using (var client = await WsClient.ConnectAsync(port))
            {
                for (int i = 0; i < 3; i++) await client.RequestAsync("SELECT 1");
            }
            // logrotate: move the file away, then SIGHUP. Lines queued before the signal may land in either file.
            File.Move(audit, audit + ".1");
            int lines = daemon.Output.Count;
            daemon.Hangup();
            await daemon.Output.WaitForLineAsync($"reload: audit log {audit} re-opened", lines);
            await using (var client = await WsClient.ConnectAsync(port))
            {
                for (int i = 0; i < 5; i++) await client.RequestAsync("SELECT 2");
            }
            daemon.Terminate();
            await daemon.AssertExitsCleanlyAsync();
        }
        string[] rotated = File.ReadAllLines(audit + ".1"), current = File.ReadAllLines(audit);
        Assert.That(rotated.Length + current.Length, Is.EqualTo(2 + 3 + 5), "two connects and eight commands, none lost");
        Assert.That(current, Has.Length.EqualTo(6), "everything after the reopen is in the new file");
        Assert.That(current, Has.All.Contains("\"event\":"));
    }

    [Test]
    public async Task FullDisk_UnderTheAuditLog_IsReported_AndTheServiceGoesOn()
    {
        var (daemon, port) = await StartAsync("--audit-log", "/dev/full");
        await using (daemon)
        {
            await using (var client = await WsClient.ConnectAsync(port))
            {
                for (int i = 0; i < 3; i++) Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
            }
            Assert.That(await daemon.Output.WaitForLineAsync("audit log /dev/full: cannot write"), Does.Contain("the service goes on"));
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.That(metrics, Does.Contain("websocketfy_audit_failing 1\n"));
            Assert.That(metrics, Does.Match(@"websocketfy_audit_lines_lost_total [1-9]"));
        }
    }

    [Test]
    public async Task NoCredential_EverAppearsInTheLog_EvenAtTrace()
    {
        var (good, goodLine) = TokenCommand.NewToken("alice", "viewer");
        string bad = TokenCommand.NewToken("mallory", "admin").Token;
        string tokens = _dir.Write("tokens", Encoding.UTF8.GetBytes(goodLine + "\n"));
        string audit = Path.Combine(_dir.Root, "audit.log");
        var (daemon, port) = await StartAsync("--auth", "token", "--tokens-file", tokens, "--log-level", "trace", "--audit-log", audit);
        await using (daemon)
        {
            foreach (string token in (string[])[good, bad])
            {
                await Upgrade.TryAsync(port, $"Authorization: Bearer {token}\r\n");
                await Upgrade.TryAsync(port, "", "/?access_token=" + token);
                await Upgrade.TryAsync(port, $"Cookie: websocketfy_token={token}\r\n");
            }
            Assert.That(await SelectOneAsync(port, good), Is.EqualTo("1\n1\n"));
            daemon.Terminate();
            await daemon.AssertExitsCleanlyAsync();
            string log = daemon.Output.SoFar + File.ReadAllText(audit);
            Assert.That(log, Does.Contain("authenticated as alice"), "the log did record the connections");
            foreach (string token in (string[])[good, bad])
            {
                for (int i = 0; i + 8 <= token.Length; i++)
                    Assert.That(log, Does.Not.Contain(token.Substring(i, 8)), $"part of a token at {i}");
            }
        }
    }

    [Test]
    public async Task NoAuth_OnANonLoopbackAddress_IsWarnedAboutOnce()
    {
        await using var daemon = DaemonProcess.Start(["--bind", "::", "--port", "0", "--root", _dir.Root]);
        await daemon.WaitUntilListeningAsync();
        string warning = await daemon.Output.WaitForLineAsync("no authentication on");
        Assert.That(warning, Does.Contain("--auth token"));
        Assert.That(daemon.Output.SoFar.Split('\n').Count(l => l.Contains("no authentication on")), Is.EqualTo(1));
    }

    [Test]
    public async Task NoAuth_OnLoopback_IsNotWarnedAbout()
    {
        var (daemon, _) = await StartAsync();
        await using (daemon)
        {
            await daemon.Output.WaitForLineAsync("no authentication: every client is admin");
            Assert.That(daemon.Output.SoFar, Does.Not.Contain("no authentication on"));
        }
    }

    [TestCase(new[] { "--auth", "token" }, 64, "--auth token needs --tokens-file FILE")]
    [TestCase(new[] { "--auth", "jwt", "--jwt-keys", "/x" }, 64, "--auth jwt needs --jwt-issuer")]
    [TestCase(new[] { "--tokens-file", "/x" }, 64, "--tokens-file is only used with --auth token")]
    [TestCase(new[] { "--auth", "sometimes" }, 64, "'sometimes' is not an authentication mode")]
    [TestCase(new[] { "--role", "viewer=files" }, 64, "'viewer' is a built-in role")]
    [TestCase(new[] { "--auth", "token", "--tokens-file", "/nonexistent/tokens" }, 78, "tokens file /nonexistent/tokens cannot be read")]
    [TestCase(new[] { "--audit-log", "/nonexistent/dir/audit.log" }, 73, "audit log /nonexistent/dir/audit.log cannot be opened")]
    public async Task WrongAccessSettings_StopTheStart_WithOneLine(string[] arguments, int exitCode, string message)
    {
        var (code, stderr) = await DaemonProcess.RunToExitAsync(["--root", _dir.Root, "--port", "0", .. arguments]);
        Assert.That(code, Is.EqualTo(exitCode), stderr);
        Assert.That(stderr, Does.StartWith("websocketfy: ").And.Contains(message));
    }

    [Test]
    public async Task BadTokensFile_NamesTheLine()
    {
        string tokens = _dir.Write("tokens", "# ok\nalice viewer 1234\n"u8.ToArray());
        var (code, stderr) = await DaemonProcess.RunToExitAsync("--root", _dir.Root, "--auth", "token", "--tokens-file", tokens);
        Assert.That(code, Is.EqualTo(78));
        Assert.That(stderr, Does.Contain($"{tokens}:2: the third field must be the token's SHA-256"));
    }

    [Test]
    public async Task TokenNew_PrintsATokenOnce_AndItsLine()
    {
        var (code, output) = await DaemonProcess.RunToExitAsync("token", "new", "alice", "viewer");
        Assert.That(code, Is.EqualTo(0));
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string token = lines.Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[A-Za-z0-9_-]{43}$"));
        Assert.That(lines, Does.Contain("alice viewer " + TokenCommand.Digest(token)));
    }
}
