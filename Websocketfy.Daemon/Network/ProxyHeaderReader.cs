using System.Buffers;
using System.Net.Sockets;
using Websocketfy.Protocol.Proxy;

namespace Websocketfy.Daemon.Network;

/// <summary>
/// Reads the PROXY protocol header off the raw socket, before TLS or HTTP, without taking a byte past it:
/// the bytes are peeked, the parser says how many belong to the header, and only those are received.
/// What follows stays in the socket for the next layer, whatever it is.
/// </summary>
internal static class ProxyHeaderReader
{
    /// <summary>Covers a v1 line and a v2 header with its usual TLVs in one peek; longer ones take a few.</summary>
    private const int PeekSize = 512;

    /// <summary>The header, or the reason there is none. Cancellation (the handshake deadline) throws.</summary>
    public static async Task<(ProxyHeader? Header, string? Problem, int BytesRead)> ReadAsync(Socket socket, CancellationToken ct)
    {
        var parser = new ProxyHeaderParser();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PeekSize);
        int total = 0;
        try
        {
            while (true)
            {
                int peeked = await socket.ReceiveAsync(buffer.AsMemory(0, PeekSize), SocketFlags.Peek, ct).ConfigureAwait(false);
                if (peeked == 0)
                    return (null, total == 0 ? "closed before sending anything" : "closed in the middle of the header", total);
                ProxyParseStatus status = parser.Feed(buffer.AsSpan(0, peeked), out int consumed);
                await DiscardAsync(socket, buffer, consumed, ct).ConfigureAwait(false);
                total += consumed;
                switch (status)
                {
                    case ProxyParseStatus.Complete: return (parser.Header, null, total);
                    case ProxyParseStatus.Invalid: return (null, parser.Problem, total);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes the bytes just peeked out of the socket; they are already there, so this does not wait.</summary>
    private static async Task DiscardAsync(Socket socket, byte[] buffer, int count, CancellationToken ct)
    {
        while (count > 0)
        {
            int received = await socket.ReceiveAsync(buffer.AsMemory(0, count), SocketFlags.None, ct).ConfigureAwait(false);
            if (received == 0) throw new IOException("the connection closed while its PROXY header was read");
            count -= received;
        }
    }
}
