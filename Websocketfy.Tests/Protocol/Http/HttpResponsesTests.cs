using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

public class HttpResponsesTests
{
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    [Test]
    public void SwitchingProtocols_WithoutSubprotocol_IsExactly()
    {
        byte[] answer = HttpResponses.SwitchingProtocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", null);

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
            "\r\n"));
    }

    [Test]
    public void SwitchingProtocols_WithSubprotocol_AddsTheProtocolLine()
    {
        byte[] answer = HttpResponses.SwitchingProtocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "chat");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 101 Switching Protocols\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
            "Sec-WebSocket-Protocol: chat\r\n" +
            "\r\n"));
    }

    [Test]
    public void SwitchingProtocols_RefusesASubprotocolThatWouldInjectAHeader()
    {
        Assert.That(() => HttpResponses.SwitchingProtocols("k", "chat\r\nSet-Cookie: a=b"),
                    Throws.TypeOf<ArgumentException>());
    }

    [Test]
    public void Error400_IsExactly()
    {
        byte[] answer = HttpResponses.Error(400, "Missing or invalid Sec-WebSocket-Key");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 37\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Missing or invalid Sec-WebSocket-Key\n"));
    }

    [Test]
    public void Error426_AlwaysNamesVersion13()
    {
        byte[] answer = HttpResponses.Error(426, "Unsupported Sec-WebSocket-Version: 13 required");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 426 Upgrade Required\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 47\r\n" +
            "Connection: close\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n" +
            "Unsupported Sec-WebSocket-Version: 13 required\n"));
    }

    [Test]
    public void Error405_AlwaysCarriesAllowGet()
    {
        byte[] answer = HttpResponses.Error(405, "Method not allowed");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 405 Method Not Allowed\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 19\r\n" +
            "Connection: close\r\n" +
            "Allow: GET\r\n" +
            "\r\n" +
            "Method not allowed\n"));
    }

    [Test]
    public void Error431_IsExactly()
    {
        byte[] answer = HttpResponses.Error(431, "Request head too large");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 431 Request Header Fields Too Large\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 23\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Request head too large\n"));
    }

    [Test]
    public void Error_AppendsExtraHeadersInTheGivenOrder()
    {
        byte[] answer = HttpResponses.Error(503, "Busy",
            [new("Retry-After", "5"), new("X-Reason", "connection limit")]);

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 503 Service Unavailable\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 5\r\n" +
            "Connection: close\r\n" +
            "Retry-After: 5\r\n" +
            "X-Reason: connection limit\r\n" +
            "\r\n" +
            "Busy\n"));
    }

    [Test]
    public void Error_ContentLengthCountsUtf8BytesNotCharacters()
    {
        byte[] answer = HttpResponses.Error(400, "caf\u00E9");

        // "café\n" = 63 61 66 C3 A9 0A: six bytes for five characters.
        Assert.That(Text(answer), Does.Contain("\r\nContent-Length: 6\r\n"));
        Assert.That(answer[^6..], Is.EqualTo(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9, 0x0A }));
    }

    [TestCase("X-A", "a\r\nSet-Cookie: b", TestName = "Error_RefusesAnExtraHeaderValueWithCrLf")]
    [TestCase("X-A", "a\nb", TestName = "Error_RefusesAnExtraHeaderValueWithLf")]
    [TestCase("X A", "b", TestName = "Error_RefusesAnExtraHeaderNameThatIsNotAToken")]
    [TestCase("", "b", TestName = "Error_RefusesAnEmptyExtraHeaderName")]
    public void Error_RefusesUnsafeExtraHeaders(string name, string value)
    {
        Assert.That(() => HttpResponses.Error(503, "Busy", [new(name, value)]), Throws.TypeOf<ArgumentException>());
    }

    [Test]
    public void Plain_IsExactly_WithTheBodyAsGiven()
    {
        byte[] answer = HttpResponses.Plain(200, "text/plain; version=0.0.4; charset=utf-8", "up 1\nconnections 2\n");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 200 OK\r\n" +
            "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n" +
            "Content-Length: 19\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "up 1\nconnections 2\n"));
    }

    [Test]
    public void Plain_WithAnEmptyBody_HasContentLengthZero()
    {
        byte[] answer = HttpResponses.Plain(404, "text/plain", "");

        Assert.That(Text(answer), Is.EqualTo(
            "HTTP/1.1 404 Not Found\r\n" +
            "Content-Type: text/plain\r\n" +
            "Content-Length: 0\r\n" +
            "Connection: close\r\n" +
            "\r\n"));
    }

    [TestCase(101, "Switching Protocols")]
    [TestCase(200, "OK")]
    [TestCase(204, "No Content")]
    [TestCase(400, "Bad Request")]
    [TestCase(403, "Forbidden")]
    [TestCase(404, "Not Found")]
    [TestCase(405, "Method Not Allowed")]
    [TestCase(408, "Request Timeout")]
    [TestCase(413, "Content Too Large")]
    [TestCase(426, "Upgrade Required")]
    [TestCase(429, "Too Many Requests")]
    [TestCase(431, "Request Header Fields Too Large")]
    [TestCase(500, "Internal Server Error")]
    [TestCase(503, "Service Unavailable")]
    [TestCase(505, "HTTP Version Not Supported")]
    public void ReasonPhrase_IsTheStandardText(int statusCode, string phrase)
    {
        Assert.That(HttpResponses.ReasonPhrase(statusCode), Is.EqualTo(phrase));
    }

    [Test]
    public void UnknownStatusCode_HasAnEmptyReasonPhraseButKeepsTheSpace()
    {
        byte[] answer = HttpResponses.Plain(599, "text/plain", "");

        Assert.That(HttpResponses.ReasonPhrase(599), Is.Empty);
        Assert.That(Text(answer), Does.StartWith("HTTP/1.1 599 \r\n"));
    }

    [TestCase(99)]
    [TestCase(1000)]
    [TestCase(-400)]
    public void StatusCodeThatIsNotThreeDigits_IsRefused(int statusCode)
    {
        Assert.That(() => HttpResponses.Error(statusCode, "x"), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Plain_WithExtraHeaders_PutsThemAfterConnection()
    {
        byte[] answer = HttpResponses.Plain(200, "text/html", "<p>", [new("Content-Security-Policy", "default-src 'none'")]);

        Assert.That(Text(answer), Is.EqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\nConnection: close\r\n"
                                             + "Content-Security-Policy: default-src 'none'\r\n\r\n<p>"));
    }

    [Test]
    public void HeadOnly_KeepsStatusAndHeaders_IncludingContentLength_AndDropsTheBody()
    {
        byte[] answer = HttpResponses.Plain(200, "text/plain", "ok\n");

        Assert.That(Text(HttpResponses.HeadOnly(answer)),
                    Is.EqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\n"));
    }

    [Test]
    public void HeadOnly_OfBytesWithoutAnEndOfHead_IsRefused()
    {
        Assert.That(() => HttpResponses.HeadOnly("HTTP/1.1 200 OK\r\n"u8.ToArray()), Throws.ArgumentException);
    }
}
