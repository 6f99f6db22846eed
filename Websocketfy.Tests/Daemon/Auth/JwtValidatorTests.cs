using Microsoft.IdentityModel.Tokens;
using Websocketfy.Daemon.Auth;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Auth;

/// <summary>The JWT rules against real signed tokens and the classic forgeries.</summary>
internal sealed class JwtValidatorTests
{
    private JwtKit _kit = null!;
    private TempTree _dir = null!;
    private JwtValidator _validator = null!;

    [SetUp]
    public void SetUp()
    {
        _kit = new JwtKit();
        _dir = new TempTree();
        string keys = _dir.Write("jwks.json", System.Text.Encoding.UTF8.GetBytes(_kit.Jwks()));
        _validator = JwtValidator.Load(new JwtRules(keys, JwtKit.Issuer, JwtKit.Audience, "sub", "role"), TimeProvider.System);
    }

    [TearDown]
    public void TearDown()
    {
        _kit.Dispose();
        _dir.Dispose();
    }

    private CredentialCheck Check(string token) => _validator.CheckAsync(token).AsTask().GetAwaiter().GetResult();

    [TestCase(SecurityAlgorithms.RsaSha256)]
    [TestCase(SecurityAlgorithms.RsaSsaPssSha256)]
    [TestCase(SecurityAlgorithms.EcdsaSha256)]
    public void AcceptedAlgorithms_GiveTheSubjectRoleAndExpiry(string algorithm)
    {
        DateTime expires = DateTime.UtcNow.AddMinutes(5);
        CredentialCheck check = Check(_kit.Token("alice", "viewer", algorithm, expires: expires));
        Assert.That(check.Failure, Is.EqualTo(AuthFailure.None), check.Detail);
        Assert.That(check.Principal!.Value.Name, Is.EqualTo("alice"));
        Assert.That(check.Principal!.Value.Roles, Is.EqualTo(new[] { "viewer" }));
        Assert.That(check.Principal!.Value.ExpiresAt!.Value.ToUnixTimeSeconds(), Is.EqualTo(new DateTimeOffset(expires).ToUnixTimeSeconds()));
    }

    [Test]
    public void RoleArray_GivesEveryRole()
    {
        CredentialCheck check = Check(_kit.Token("alice", new[] { "files", "auditor" }));
        Assert.That(check.Principal!.Value.Roles, Is.EqualTo(new[] { "files", "auditor" }));
    }

    [Test]
    public void ExpiredWithinTheSkew_IsStillAccepted() =>
        Assert.That(Check(_kit.Token(expires: DateTime.UtcNow.AddSeconds(-30), notBefore: DateTime.UtcNow.AddMinutes(-5))).Failure, Is.EqualTo(AuthFailure.None));

    [Test]
    public void Lifetime_IsCheckedByTheGatewaysClock_NotTheSystemOne()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var validator = JwtValidator.Load(new JwtRules(Path.Combine(_dir.Root, "jwks.json"), JwtKit.Issuer, JwtKit.Audience, "sub", "role"), clock);
        string token = _kit.Token(expires: DateTime.UtcNow.AddMinutes(10));
        Assert.That(validator.CheckAsync(token).AsTask().GetAwaiter().GetResult().Failure, Is.EqualTo(AuthFailure.None));
        clock.Advance(TimeSpan.FromMinutes(10) + JwtValidator.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.That(validator.CheckAsync(token).AsTask().GetAwaiter().GetResult(), Is.EqualTo(CredentialCheck.Refused(AuthFailure.Expired, "token expired")));
    }

    public static IEnumerable<TestCaseData> Forgeries()
    {
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Token(expires: DateTime.UtcNow.AddSeconds(-90), notBefore: DateTime.UtcNow.AddMinutes(-5))),
            AuthFailure.Expired, "token expired").SetName("Expired");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Token(notBefore: DateTime.UtcNow.AddSeconds(90), expires: DateTime.UtcNow.AddMinutes(5))),
            AuthFailure.Expired, "token not yet valid").SetName("NotYetValid");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Token(issuer: "https://evil.test")), AuthFailure.Invalid, "wrong issuer").SetName("WrongIssuer");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Token(audience: "another-service")), AuthFailure.Invalid, "wrong audience").SetName("WrongAudience");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.UnsignedToken()), AuthFailure.Invalid, null).SetName("AlgNone");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Hs256WithPublicKeyAsSecret()), AuthFailure.Invalid, null).SetName("Hs256WithThePublicKeyAsSecret");
        yield return new TestCaseData((Func<JwtKit, string>)(k => k.Token(withExpiry: false)), AuthFailure.Invalid, "token has no exp").SetName("NoExpiry");
        yield return new TestCaseData((Func<JwtKit, string>)(k =>
        {
            using var stranger = new JwtKit();
            return stranger.Token();
        }), AuthFailure.Invalid, "signed by an unknown key").SetName("UnknownKey");
        yield return new TestCaseData((Func<JwtKit, string>)(k =>
        {
            string token = k.Token("alice", "viewer");
            string[] parts = token.Split('.');
            string payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(
                System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("viewer", "admin")));
            return parts[0] + "." + payload + "." + parts[2];
        }), AuthFailure.Invalid, "bad or missing signature").SetName("TamperedPayload");
        yield return new TestCaseData((Func<JwtKit, string>)(_ => "not.a.jwt"), AuthFailure.Invalid, null).SetName("Garbage");
    }

    [TestCaseSource(nameof(Forgeries))]
    public void ForgedOrOutOfDateToken_IsRefused(Func<JwtKit, string> make, AuthFailure failure, string? detail)
    {
        CredentialCheck check = Check(make(_kit));
        Assert.That(check.Principal, Is.Null);
        Assert.That(check.Failure, Is.EqualTo(failure), check.Detail);
        if (detail is not null) Assert.That(check.Detail, Is.EqualTo(detail));
    }

    [Test]
    public void MissingNameClaim_IsRefused()
    {
        var validator = JwtValidator.Load(new JwtRules(Path.Combine(_dir.Root, "jwks.json"), JwtKit.Issuer, JwtKit.Audience, "preferred_username", "role"), TimeProvider.System);
        CredentialCheck check = validator.CheckAsync(_kit.Token()).AsTask().GetAwaiter().GetResult();
        Assert.That(check.Detail, Is.EqualTo("no 'preferred_username' claim"));
    }
}
