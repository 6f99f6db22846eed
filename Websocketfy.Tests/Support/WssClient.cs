using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Websocketfy.Tests.Support;

/// <summary>ClientWebSocket over TLS, trusting a <see cref="TestPki"/> root only.</summary>
public static class WssClient
{
    /// <param name="seen">Told the leaf certificate the server presented.</param>
    /// <param name="origin">Sent as the Origin header, as a browser would.</param>
    public static Task<WsClient> ConnectAsync(int port, TestPki pki, Action<X509Certificate2>? seen = null, string? origin = null) =>
        WsClient.ConnectAsync(new Uri($"wss://127.0.0.1:{port}/"), options =>
        {
            options.RemoteCertificateValidationCallback = pki.Validator(seen);
            if (origin is not null) options.SetRequestHeader("Origin", origin);
        });

    /// <summary>Connects over a socket whose kernel receive buffer is <paramref name="receiveBufferSize"/>, so what
    /// the client does not read soon pushes back on the daemon (the kernel would otherwise grow it to megabytes).</summary>
    public static async Task<WsClient> ConnectWithReceiveBufferAsync(int port, TestPki pki, int receiveBufferSize)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = receiveBufferSize };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = { RemoteCertificateValidationCallback = pki.Validator() },
        };
        return await WsClient.ConnectAsync(new Uri($"wss://127.0.0.1:{port}/"), invoker: new HttpMessageInvoker(handler));
    }

    /// <summary>Connects and returns the SHA-256 fingerprint of the certificate the server presented.</summary>
    public static async Task<(WsClient Client, string Fingerprint)> ConnectSeeingAsync(int port, TestPki pki, string? origin = null)
    {
        string? fingerprint = null;
        var client = await ConnectAsync(port, pki, leaf => fingerprint = leaf.GetCertHashString(HashAlgorithmName.SHA256), origin);
        return (client, fingerprint!);
    }

    /// <summary>Reads one whole message, hashing it as it arrives instead of keeping it (for files of any size).</summary>
    public static async Task<(WebSocketMessageType Type, long Length, string Sha256)> ReceiveDigestAsync(this WsClient client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long length = 0;
        while (true)
        {
            var result = await client.Socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"closed instead of a message: {result.CloseStatus} {result.CloseStatusDescription}");
            hash.AppendData(buffer, 0, result.Count);
            length += result.Count;
            if (result.EndOfMessage) return (result.MessageType, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
    }
}
