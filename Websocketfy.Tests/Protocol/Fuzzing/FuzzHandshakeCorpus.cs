using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>A request head the fuzzer starts from, as lines without their line ends.</summary>
/// <param name="IsUpgrade">A valid RFC 6455 upgrade (otherwise a plain operator GET).</param>
/// <param name="HasOrigin">Sends an Origin header (browsers do, command-line clients do not).</param>
/// <param name="OffersChat">Offers the "chat" subprotocol.</param>
internal sealed record HandshakeSample(string Name, string[] Lines, bool IsUpgrade, bool HasOrigin, bool OffersChat);

/// <summary>Valid requests from the clients that really talk to the gateway, and the policies a
/// fuzz case is decided under.</summary>
internal static class FuzzHandshakeCorpus
{
    public const string PageOrigin = "http://127.0.0.1:8080";
    public const string ChatSubprotocol = "chat";

    public static readonly HandshakeSample[] Samples =
    [
        new("chromium",
        [
            "GET /ws HTTP/1.1",
            "Host: 127.0.0.1:8080",
            "Connection: Upgrade",
            "Pragma: no-cache",
            "Cache-Control: no-cache",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "Upgrade: websocket",
            "Origin: http://127.0.0.1:8080",
            "Sec-WebSocket-Version: 13",
            "Accept-Encoding: gzip, deflate, br, zstd",
            "Accept-Language: en-US,en;q=0.9",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
        ], IsUpgrade: true, HasOrigin: true, OffersChat: false),
        new("firefox",
        [
            "GET /ws HTTP/1.1",
            "Host: 127.0.0.1:8080",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Accept: */*",
            "Accept-Language: en-US,en;q=0.5",
            "Accept-Encoding: gzip, deflate, br, zstd",
            "Sec-WebSocket-Version: 13",
            "Origin: http://127.0.0.1:8080",
            "Sec-WebSocket-Protocol: superchat, chat",
            "Sec-WebSocket-Extensions: permessage-deflate",
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==",
            "Connection: keep-alive, Upgrade",
            "Sec-Fetch-Dest: empty",
            "Sec-Fetch-Mode: websocket",
            "Sec-Fetch-Site: same-origin",
            "Pragma: no-cache",
            "Cache-Control: no-cache",
            "Upgrade: websocket",
        ], IsUpgrade: true, HasOrigin: true, OffersChat: true),
        new("clientwebsocket",
        [
            "GET /ws HTTP/1.1",
            "Host: 127.0.0.1:33397",
            "Connection: Upgrade",
            "Upgrade: websocket",
            "Sec-WebSocket-Key: lAXxZNFHT06w9D8XqRcczg==",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: chat, superchat",
        ], IsUpgrade: true, HasOrigin: false, OffersChat: true),
        new("wscat",
        [
            "GET / HTTP/1.1",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: 2tWGV3y1ZmgHjHmR9NC4DA==",
            "Connection: Upgrade",
            "Upgrade: websocket",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
            "Host: localhost:8080",
        ], IsUpgrade: true, HasOrigin: false, OffersChat: false),
        new("curl-healthz",
        [
            "GET /healthz HTTP/1.1",
            "Host: 127.0.0.1:8080",
            "User-Agent: curl/8.5.0",
            "Accept: */*",
        ], IsUpgrade: false, HasOrigin: false, OffersChat: false),
    ];

    /// <summary>Every origin allowed, no subprotocol spoken.</summary>
    public static readonly HandshakePolicy Open = new();

    /// <summary>The page's own origin (or none), and the "chat" subprotocol.</summary>
    public static readonly HandshakePolicy PageOriginWithChat = new()
    {
        IsOriginAllowed = origin => origin is null or PageOrigin,
        SupportedSubprotocols = [ChatSubprotocol],
    };

    /// <summary>Only clients that send no Origin (non-browser tools).</summary>
    public static readonly HandshakePolicy NoOrigin = new() { IsOriginAllowed = origin => origin is null };

    public static readonly HandshakePolicy[] Policies = [Open, PageOriginWithChat, NoOrigin];

    public static readonly string[] PolicyNames = ["open", "page-origin+chat", "no-origin"];
}
