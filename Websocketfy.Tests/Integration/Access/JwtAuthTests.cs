using System.Net.WebSockets;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Websocketfy.Daemon.Auth;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>--auth jwt through the real daemon: signed tokens get in, forgeries get 401, and a token that
/// expires while its connection is open ends it with 1008 after the command in flight.</summary>
public sealed class JwtAuthTests
{
    private JwtKit _kit = null!;
    private TempTree _dir = null!;
    private ManualClock _clock = null!;
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task SetUp()
    {
        _kit = new JwtKit();
        _dir = new TempTree();
        string keys = _dir.Write("jwks.json", Encoding.UTF8.GetBytes(_kit.Jwks()));
        _clock = new ManualClock();
        _gateway = await GatewayHarness.StartAsync(o => o with
        {
            Auth = AuthMode.Jwt, JwtKeys = keys, JwtIssuer = JwtKit.Issuer, JwtAudience = JwtKit.Audience,
        }, clock: _clock, populate: t =>
        {
            t.Write("small.dcm", [1, 2, 3]);
            t.Write("big.bin", new byte[32 * 1024 * 1024]);
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _gateway.DisposeAsync();
        _dir.Dispose();
        _kit.Dispose();
    }

    private string Metrics => _gateway.Gateway.Metrics.RenderPrometheus();

    /// <summary>An expiry counted on the clock the daemon checks open connections by (the test's), from where it
    /// stands now: counted from the real time instead, it would lie as much later as the set-up took (seconds on
    /// a busy machine), and advancing the test's clock by ten minutes would fall short of it.</summary>
    private DateTime TenMinutesOnTheDaemonsClock => _clock.GetUtcNow().UtcDateTime.AddMinutes(10);

    [TestCase(SecurityAlgorithms.RsaSha256)]
    [TestCase(SecurityAlgorithms.RsaSsaPssSha256)]
    [TestCase(SecurityAlgorithms.EcdsaSha256)]
    public async Task SignedToken_Connects_WithItsRole(string algorithm)
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_kit.Token("alice", "viewer", algorithm));
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        Assert.That((await client.RequestAsync("DELETE FROM images")).Text, Does.Contain("Permission denied: DELETE needs the sql-write permission."));
    }

    public static IEnumerable<TestCaseData> Forgeries() =>
    [
        new TestCaseData((Func<JwtKit, string>)(k => k.UnsignedToken()), "invalid").SetName("AlgNone"),
        new TestCaseData((Func<JwtKit, string>)(k => k.Hs256WithPublicKeyAsSecret()), "invalid").SetName("Hs256WithThePublicKeyAsSecret"),
        new TestCaseData((Func<JwtKit, string>)(k => k.Token(issuer: "https://evil.test")), "invalid").SetName("WrongIssuer"),
        new TestCaseData((Func<JwtKit, string>)(k => k.Token(audience: "other")), "invalid").SetName("WrongAudience"),
        new TestCaseData((Func<JwtKit, string>)(_ => { using var stranger = new JwtKit(); return stranger.Token(role: "admin"); }), "invalid").SetName("UnknownKey"),
        new TestCaseData((Func<JwtKit, string>)(k => k.Token(expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-10))), "expired").SetName("Expired"),
        new TestCaseData((Func<JwtKit, string>)(k => k.Token(notBefore: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(10))), "expired").SetName("NotYetValid"),
    ];

    [TestCaseSource(nameof(Forgeries))]
    public async Task ForgedOrOutOfDateToken_Gets401_InvalidToken(Func<JwtKit, string> make, string reason)
    {
        var answer = await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {make(_kit)}\r\n");
        Assert.That(answer.Status, Is.EqualTo(401));
        Assert.That(answer.Header("WWW-Authenticate"), Is.EqualTo("Bearer realm=\"websocketfy\", error=\"invalid_token\""));
        Assert.That(Metrics, Does.Contain($"websocketfy_auth_failures_total{{reason=\"{reason}\"}} 1\n"));
    }

    [Test]
    public async Task UnknownRole_Gets403()
    {
        var answer = await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_kit.Token("alice", "auditor")}\r\n");
        Assert.That(answer.Status, Is.EqualTo(403));
    }

    [Test]
    public async Task NoRoleClaim_Gets403() =>
        Assert.That((await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {_kit.Token("alice")}\r\n")).Status, Is.EqualTo(403));

    [Test]
    public async Task TokenExpiringWhileIdle_ClosesWith1008()
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_kit.Token("alice", "viewer", expires: TenMinutesOnTheDaemonsClock));
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        _clock.Advance(TimeSpan.FromMinutes(10) + JwtValidator.ClockSkew + TimeSpan.FromSeconds(1));
        Received close = await client.ReceiveAsync();
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(close.CloseReason, Is.EqualTo("token expired"));
    }

    [Test]
    public async Task TokenExpiringDuringACommand_LetsItFinish_ThenClosesWith1008_WithoutRunningTheNextOne()
    {
        await using var client = await _gateway.ConnectWithTokenAsync(_kit.Token("alice", "viewer", expires: TenMinutesOnTheDaemonsClock));
        await client.SendTextAsync("REQUEST big.bin");
        await client.SendTextAsync("SELECT 1"); // queued behind the file
        // The file is being sent (the client does not read yet, so the send cannot finish) when the token expires.
        Assert.That(await Wait.UntilAsync(() => _gateway.Gateway.Metrics.OpenFiles == 1, TimeSpan.FromSeconds(30)), Is.True);
        _clock.Advance(TimeSpan.FromMinutes(12));

        Received file = await client.ReceiveAsync();
        Assert.That(file.Type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(file.Bytes, Has.Length.EqualTo(32 * 1024 * 1024));
        Received close = await client.ReceiveAsync();
        Assert.That(close.CloseStatus, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(close.CloseReason, Is.EqualTo("token expired"));
        Assert.That(_gateway.Siren.CommandsReceived, Is.Empty, "the queued SELECT was not run");
    }

    [Test]
    public async Task KeysReloaded_AdmitTokensOfTheNewKey()
    {
        using var next = new JwtKit();
        string token = next.Token("bob", "admin");
        Assert.That((await Upgrade.TryAsync(_gateway.Port, $"Authorization: Bearer {token}\r\n")).Status, Is.EqualTo(401));
        File.WriteAllText(Path.Combine(_dir.Root, "jwks.json"), next.Jwks());
        Assert.That((await _gateway.Gateway.ReloadAsync(_gateway.Gateway.CurrentOptions)).Applied, Is.True);
        await using var client = await _gateway.ConnectWithTokenAsync(token);
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

}
