using System.Security.Cryptography;
using System.Text;

namespace Websocketfy.Protocol.Http;

/// <summary>RFC 6455 section 4.2.1 validation of an upgrade request.</summary>
/// <remarks>
/// Checks run in this order and the first failure decides the answer:
/// <list type="number">
/// <item>No Upgrade header at all: PlainHttp, whatever the method or version, so the daemon can
/// serve (or refuse) operator endpoints itself.</item>
/// <item>Method other than GET (case-sensitive, RFC 9110 section 9.1): 405.</item>
/// <item>HTTP version: major above 1 is 505; below 1.1 is 400 (RFC 6455 needs HTTP/1.1).</item>
/// <item>Malformed upgrade, 400, in this order: Upgrade without the token websocket (an Upgrade to
/// another protocol such as h2c is refused rather than served as plain HTTP, because the client
/// asked to switch and we will not); Connection without the token Upgrade; Host missing, repeated
/// or empty; Sec-WebSocket-Key missing, repeated or not base64 of 16 bytes; a request body
/// (Transfer-Encoding, or Content-Length other than 0: bytes after the head are WebSocket frames);
/// Origin repeated.</item>
/// <item>Sec-WebSocket-Version missing or not exactly 13: 426, and the answer names version 13
/// (RFC 6455 section 4.2.2). It comes after the 400 checks so that a request that is broken in
/// other ways is not told that changing its version would help.</item>
/// <item>Origin refused by the policy: 403 (RFC 6455 section 4.2.2 item 4). Last, so the
/// origin policy is only consulted for requests that are otherwise valid.</item>
/// </list>
/// Sec-WebSocket-Extensions is ignored: no extension is ever negotiated.
/// </remarks>
public static class HandshakeValidator
{
    /// <summary>GUID of RFC 6455 section 1.3.</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The only protocol version this server speaks (RFC 6455 section 4.1).</summary>
    public const string SupportedVersion = "13";

    /// <summary>A Sec-WebSocket-Key is a 16-byte nonce, base64-encoded: 24 characters with padding.</summary>
    private const int KeyNonceBytes = 16;
    private const int KeyTextLength = 24;

    public static HandshakeDecision Decide(RequestHead head, HandshakePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(policy);

        if (head.HeaderCount("Upgrade") == 0)
        {
            return new HandshakeDecision(HandshakeOutcome.PlainHttp, 0, "", null, null);
        }
        if (!string.Equals(head.Method, "GET", StringComparison.Ordinal))
        {
            return Reject(405, "Method not allowed: a WebSocket upgrade must use GET");
        }
        if (head.VersionMajor > 1)
        {
            return Reject(505, "HTTP version not supported");
        }
        if (head.VersionMajor < 1 || head.VersionMinor < 1)
        {
            return Reject(400, "HTTP/1.1 or later required");
        }
        if (!head.HeaderHasToken("Upgrade", "websocket"))
        {
            return Reject(400, "Unsupported upgrade: only websocket is offered");
        }
        if (!head.HeaderHasToken("Connection", "Upgrade"))
        {
            return Reject(400, "Connection header must contain Upgrade");
        }
        if (head.HeaderCount("Host") != 1 || head.GetHeader("Host") is not { Length: > 0 })
        {
            return Reject(400, "Missing or duplicate Host header");
        }
        if (head.HeaderCount("Sec-WebSocket-Key") != 1 || !IsValidKey(head.GetHeader("Sec-WebSocket-Key")))
        {
            return Reject(400, "Missing or invalid Sec-WebSocket-Key");
        }
        if (HasBody(head))
        {
            return Reject(400, "Request body not allowed on a WebSocket upgrade");
        }
        if (head.HeaderCount("Origin") > 1)
        {
            return Reject(400, "Duplicate Origin header");
        }
        if (!string.Equals(head.GetHeader("Sec-WebSocket-Version"), SupportedVersion, StringComparison.Ordinal))
        {
            return Reject(426, "Unsupported Sec-WebSocket-Version: 13 required");
        }
        if (policy.IsOriginAllowed is { } isOriginAllowed && !isOriginAllowed(head.GetHeader("Origin")))
        {
            return Reject(403, "Origin not allowed");
        }

        string acceptKey = ComputeAcceptKey(head.GetHeader("Sec-WebSocket-Key")!);
        return new HandshakeDecision(HandshakeOutcome.Upgrade, 101, "", acceptKey, SelectSubprotocol(head, policy));
    }

    /// <summary>base64(SHA-1(key + GUID)).</summary>
    public static string ComputeAcceptKey(string secWebSocketKey)
    {
        ArgumentNullException.ThrowIfNull(secWebSocketKey);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.UTF8.GetBytes(secWebSocketKey + KeyGuid), hash);
        return Convert.ToBase64String(hash);
    }

    private static HandshakeDecision Reject(int statusCode, string reason) =>
        new(HandshakeOutcome.Reject, statusCode, reason, null, null);

    /// <summary>RFC 6455 section 4.2.1 item 5: base64 that decodes to exactly 16 bytes. The length
    /// check comes first because the .NET decoder skips white space inside the text.</summary>
    private static bool IsValidKey(string? key)
    {
        if (key is not { Length: KeyTextLength })
        {
            return false;
        }
        Span<byte> nonce = stackalloc byte[KeyNonceBytes + 2];
        return Convert.TryFromBase64String(key, nonce, out int written) && written == KeyNonceBytes;
    }

    private static bool HasBody(RequestHead head) =>
        head.HeaderCount("Transfer-Encoding") > 0
        || (head.GetHeader("Content-Length") is { } length && length != "0");

    /// <summary>The first subprotocol in the client's order that the server speaks (RFC 6455 section
    /// 4.2.2 item 5.4 leaves the choice to the server; the client's order is the stable answer).
    /// Ordinal match: subprotocol names are case-sensitive tokens.</summary>
    private static string? SelectSubprotocol(RequestHead head, HandshakePolicy policy)
    {
        IReadOnlyList<string> supported = policy.SupportedSubprotocols;
        if (supported.Count == 0)
        {
            return null;
        }
        foreach (KeyValuePair<string, string> field in head.Headers)
        {
            if (!string.Equals(field.Key, "Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var offered = new HeaderListReader(field.Value);
            while (offered.TryNext(out ReadOnlySpan<char> name))
            {
                for (int i = 0; i < supported.Count; i++)
                {
                    if (name.SequenceEqual(supported[i]))
                    {
                        return supported[i];
                    }
                }
            }
        }
        return null;
    }
}
