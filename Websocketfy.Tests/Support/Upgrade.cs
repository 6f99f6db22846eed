using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>A raw upgrade request with chosen extra headers and request target, and the server's whole HTTP answer.</summary>
public static class Upgrade
{
    public sealed record Answer(int Status, string Head, string Body)
    {
        public string? Header(string name)
        {
            foreach (string line in Head.Split("\r\n"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Equals(name, StringComparison.OrdinalIgnoreCase)) return line[(colon + 1)..].Trim();
            }
            return null;
        }
    }

    /// <param name="headers">Whole header lines, each ending in CRLF.</param>
    public static async Task<Answer> TryAsync(int port, string headers = "", string target = "/")
    {
        using var client = await RawWsClient.ConnectAsync(port, upgrade: false);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(
            $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + headers +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        string head = await client.ReadHttpHeadAsync();
        int status = int.Parse(head.Split(' ')[1]);
        string body = status == 101 ? "" : await client.ReadToEndAsync();
        return new Answer(status, head, body);
    }
}
