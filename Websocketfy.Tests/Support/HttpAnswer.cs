using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Websocketfy.Tests.Support;

/// <summary>One HTTP answer as it came off the wire: status, headers and body.</summary>
public sealed record HttpAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Sends one request over a new loopback connection and reads the answer until the server closes.</summary>
    public static async Task<HttpAnswer> ExchangeAsync(int port, string request, string from = "127.0.0.1")
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        if (from != "127.0.0.1") socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(from), 0));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync("127.0.0.1", port, deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, deadline.Token);
        var received = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) received.Write(buffer, 0, n);
        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    public static Task<HttpAnswer> GetAsync(int port, string path, string method = "GET") =>
        ExchangeAsync(port, $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    private static HttpAnswer Parse(string text)
    {
        int headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0) throw new FormatException("no complete HTTP head: " + text);
        string[] lines = text[..headEnd].Split("\r\n");
        string[] statusLine = lines[0].Split(' ', 3);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return new HttpAnswer(int.Parse(statusLine[1]), headers, text[(headEnd + 4)..]);
    }
}
