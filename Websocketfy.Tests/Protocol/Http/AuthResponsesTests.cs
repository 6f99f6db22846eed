using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

public class AuthResponsesTests
{
    private static string Text(byte[] answer) => Encoding.UTF8.GetString(answer);

    [Test]
    public void Unauthorized_WithoutCredential_ChallengesWithoutError() =>
        Assert.That(Text(AuthResponses.Unauthorized(false, "Authentication required.")), Is.EqualTo(
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 25\r\nConnection: close\r\n"
            + "WWW-Authenticate: Bearer realm=\"websocketfy\"\r\n\r\nAuthentication required.\n"));

    [Test]
    public void Unauthorized_WithABadCredential_SaysInvalidToken() =>
        Assert.That(Text(AuthResponses.Unauthorized(true, "No.")), Does.Contain(
            "\r\nWWW-Authenticate: Bearer realm=\"websocketfy\", error=\"invalid_token\"\r\n"));

    [Test]
    public void Forbidden_SaysInsufficientScope()
    {
        string answer = Text(AuthResponses.Forbidden("Your role may do nothing on this server."));
        Assert.That(answer, Does.StartWith("HTTP/1.1 403 Forbidden\r\n"));
        Assert.That(answer, Does.Contain("\r\nWWW-Authenticate: Bearer realm=\"websocketfy\", error=\"insufficient_scope\"\r\n"));
    }

    [TestCase(60.0, "60")]
    [TestCase(59.2, "60")]
    [TestCase(0.1, "1")]
    [TestCase(0.0, "1")]
    public void TooManyFailures_SaysWhenToRetry(double seconds, string retryAfter)
    {
        string answer = Text(AuthResponses.TooManyFailures(TimeSpan.FromSeconds(seconds)));
        Assert.That(answer, Does.StartWith("HTTP/1.1 429 Too Many Requests\r\n"));
        Assert.That(answer, Does.Contain($"\r\nRetry-After: {retryAfter}\r\n"));
    }
}
