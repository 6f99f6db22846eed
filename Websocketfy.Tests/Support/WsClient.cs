using System.Net.WebSockets;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>One received WebSocket message, or the close that ended the connection.</summary>
public sealed record Received(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? CloseStatus = null, string? CloseReason = null)
{
    public string Text => Encoding.UTF8.GetString(Bytes);
    public bool IsClose => Type == WebSocketMessageType.Close;
}

/// <summary>A real client (.NET's ClientWebSocket) with helpers to send commands and read whole replies.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public ClientWebSocket Socket => _socket;

    public static Task<WsClient> ConnectAsync(int port, string path = "/", Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), configure);

    /// <summary>Any URI, wss:// included (configure sets the certificate check, or the invoker's handler does).</summary>
    public static async Task<WsClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null, HttpMessageInvoker? invoker = null)
    {
        var client = new WsClient();
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        configure?.Invoke(client._socket.Options);
        // Generous: the first TLS handshake of a freshly started daemon process can be slow on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client._socket.ConnectAsync(uri, invoker, timeout.Token);
        return client;
    }

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>Reads one whole message (all its fragments). A close frame is returned as a Received with IsClose.</summary>
    /// <param name="timeout">How long to wait without progress (30 s unless given): a large message on a busy
    /// machine may take longer than that in all, but keeps coming.</param>
    public async Task<Received> ReceiveAsync(TimeSpan? timeout = null, long maxBytes = 256L * 1024 * 1024)
    {
        TimeSpan silence = timeout ?? TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource(silence);
        var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            cts.CancelAfter(silence);
            if (result.MessageType == WebSocketMessageType.Close)
                return new Received(WebSocketMessageType.Close, [], result.CloseStatus, result.CloseStatusDescription);
            message.Write(buffer, 0, result.Count);
            if (message.Length > maxBytes) throw new InvalidOperationException("message larger than the test expects");
            if (result.EndOfMessage) return new Received(result.MessageType, message.ToArray());
        }
    }

    /// <summary>Reads and drops data until the server's close frame, which is returned.</summary>
    public async Task<Received> ReceiveUntilCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var received = await ReceiveAsync(timeout);
            if (received.IsClose) return received;
        }
    }

    public async Task<Received> RequestAsync(string command, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await SendAsync(Encoding.UTF8.GetBytes(command), type);
        return await ReceiveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
        _socket.Dispose();
    }
}
