using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

/// <summary>Upgrade requests as real clients send them, and small helpers to parse test heads.</summary>
internal static class SampleRequests
{
    /// <summary>Headless Chromium's `new WebSocket("ws://127.0.0.1:8080/ws")` from a page on that origin.</summary>
    public const string Chromium =
        "GET /ws HTTP/1.1\r\n" +
        "Host: 127.0.0.1:8080\r\n" +
        "Connection: Upgrade\r\n" +
        "Pragma: no-cache\r\n" +
        "Cache-Control: no-cache\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36\r\n" +
        "Upgrade: websocket\r\n" +
        "Origin: http://127.0.0.1:8080\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
        "\r\n";

    /// <summary>Captured from .NET 10's ClientWebSocket with AddSubProtocol("chat") and ("superchat").</summary>
    public const string DotNetClientWebSocket =
        "GET /ws HTTP/1.1\r\n" +
        "Host: 127.0.0.1:33397\r\n" +
        "Connection: Upgrade\r\n" +
        "Upgrade: websocket\r\n" +
        "Sec-WebSocket-Key: lAXxZNFHT06w9D8XqRcczg==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "Sec-WebSocket-Protocol: chat, superchat\r\n" +
        "\r\n";

    /// <summary>The smallest valid upgrade; tests change one line of it at a time.</summary>
    public const string Minimal =
        "GET / HTTP/1.1\r\n" +
        "Host: example.test\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Parses a head given in one piece; fails the test unless it is complete.</summary>
    public static RequestHead Parse(string text)
    {
        var parser = new RequestHeadParser();
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        HeadParseStatus status = parser.Feed(bytes, out int consumed);
        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete), text);
        Assert.That(consumed, Is.EqualTo(bytes.Length));
        return parser.Head!;
    }

    /// <summary>The status of parsing a head given in one piece (Latin-1, so tests can write any byte).</summary>
    public static HeadParseStatus Status(string text, int maxHeadBytes = RequestHeadParser.DefaultMaxHeadBytes) =>
        new RequestHeadParser(maxHeadBytes).Feed(Encoding.Latin1.GetBytes(text), out _);
}
