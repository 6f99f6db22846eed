using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

public class BearerCredentialTests
{
    private static RequestHead Head(string target = "/", params (string Name, string Value)[] headers) =>
        new("GET", target, 1, 1, [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))]);

    [Test]
    public void NothingGiven_IsNone() =>
        Assert.That(BearerCredential.Find(Head()), Is.EqualTo(new PresentedCredential(CredentialCarrier.None, null, false)));

    [TestCase("Bearer abc.DEF-_~+/=", "abc.DEF-_~+/=")]
    [TestCase("bearer abc", "abc")]
    [TestCase("BEARER   abc", "abc")]
    public void AuthorizationHeader(string value, string token) =>
        Assert.That(BearerCredential.Find(Head("/", ("Authorization", value))),
            Is.EqualTo(new PresentedCredential(CredentialCarrier.AuthorizationHeader, token, false)));

    [TestCase("Bearer")]
    [TestCase("Bearer ")]
    [TestCase("Bearer a b")]
    [TestCase("Bearer a,b")]
    [TestCase("Bearer ==")]
    [TestCase("Bearer a=b")]
    public void MalformedBearer_IsMalformed(string value) =>
        Assert.That(BearerCredential.Find(Head("/", ("Authorization", value))),
            Is.EqualTo(new PresentedCredential(CredentialCarrier.AuthorizationHeader, null, true)));

    [Test]
    public void TwoAuthorizationHeaders_AreMalformed() =>
        Assert.That(BearerCredential.Find(Head("/", ("Authorization", "Bearer a"), ("Authorization", "Bearer b"))).Malformed, Is.True);

    [Test]
    public void OtherScheme_IsNotABearerCredential() =>
        Assert.That(BearerCredential.Find(Head("/", ("Authorization", "Basic dXNlcjpwYXNz"))).Carrier, Is.EqualTo(CredentialCarrier.None));

    [TestCase("/?access_token=abc", "abc")]
    [TestCase("/ws?x=1&access_token=abc&y=2", "abc")]
    [TestCase("/?access_token=a%2Eb%2Dc", "a.b-c")]
    [TestCase("/?access%5Ftoken=abc", "abc")]
    public void QueryParameter(string target, string token) =>
        Assert.That(BearerCredential.Find(Head(target)), Is.EqualTo(new PresentedCredential(CredentialCarrier.QueryParameter, token, false)));

    [TestCase("/?access_token=")]
    [TestCase("/?access_token")]
    [TestCase("/?access_token=a+b")]       // '+' is a space in a query
    [TestCase("/?access_token=a%20b")]
    [TestCase("/?access_token=a&access_token=b")]
    public void MalformedQueryParameter_IsMalformed(string target)
    {
        PresentedCredential found = BearerCredential.Find(Head(target));
        Assert.That(found.Carrier, Is.EqualTo(CredentialCarrier.QueryParameter));
        Assert.That(found.Malformed, Is.True);
    }

    [TestCase("websocketfy_token=abc", "abc")]
    [TestCase("theme=dark; websocketfy_token=abc; lang=en", "abc")]
    [TestCase("websocketfy_token=\"abc\"", "abc")]
    [TestCase("websocketfy_token=first; websocketfy_token=second", "first")]
    public void Cookie(string cookie, string token) =>
        Assert.That(BearerCredential.Find(Head("/", ("Cookie", cookie))), Is.EqualTo(new PresentedCredential(CredentialCarrier.Cookie, token, false)));

    [Test]
    public void CookieOfAnotherName_IsNone() =>
        Assert.That(BearerCredential.Find(Head("/", ("Cookie", "other_websocketfy_token=abc"))).Given, Is.False);

    [Test]
    public void HeaderWins_OverQueryAndCookie() =>
        Assert.That(BearerCredential.Find(Head("/?access_token=q", ("Cookie", "websocketfy_token=c"), ("Authorization", "Bearer h"))).Token, Is.EqualTo("h"));

    [Test]
    public void QueryWins_OverCookie() =>
        Assert.That(BearerCredential.Find(Head("/?access_token=q", ("Cookie", "websocketfy_token=c"))).Token, Is.EqualTo("q"));
}
