using System.Security.Cryptography;
using System.Text;

namespace Websocketfy.Load.Net;

/// <summary>The client side of the RFC 6455 opening handshake.</summary>
internal static class Handshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <param name="subprotocol">Offered in Sec-WebSocket-Protocol (websocketfy.v2); null offers none.</param>
    public static (byte[] Request, string ExpectedAccept) Request(string host, string? subprotocol = null)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
        string request = $"GET / HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                         $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" +
                         (subprotocol is null ? "" : $"Sec-WebSocket-Protocol: {subprotocol}\r\n") + "\r\n";
        return (Encoding.ASCII.GetBytes(request), accept);
    }

    /// <summary>Length of the response head including its blank line, or -1 while incomplete.</summary>
    public static int HeadLength(ReadOnlySpan<byte> received)
    {
        int end = received.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    /// <param name="subprotocol">The subprotocol offered: the answer must echo it (a server that ignores
    /// it would speak the classic protocol, and the measurement would mean nothing).</param>
    public static void CheckResponse(ReadOnlySpan<byte> head, string expectedAccept, string? subprotocol = null)
    {
        string text = Encoding.ASCII.GetString(head);
        if (!text.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new IOException($"upgrade refused: {text.Split("\r\n")[0]}");
        string? accept = null, chosen = null;
        foreach (string line in text.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            string name = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase)) accept = value;
            else if (name.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase)) chosen = value;
        }
        if (accept is null) throw new IOException("upgrade response without Sec-WebSocket-Accept");
        if (accept != expectedAccept) throw new IOException("wrong Sec-WebSocket-Accept");
        if (chosen != subprotocol)
            throw new IOException($"the server chose subprotocol '{chosen ?? "(none)"}' where '{subprotocol ?? "(none)"}' was offered");
    }
}
