using System.Buffers;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Network;

/// <summary>
/// The last answer on a connection whose request was not (wholly) read: a 503 before the upgrade, a 400 to plain
/// text on the TLS port, an operator endpoint's answer. Closing at once would turn the client's unread bytes into a
/// reset that can destroy the answer before the client reads it, so our side is shut down first and what the
/// client still sends is read and dropped until it closes (RFC 9112 §9.6, "lingering close").
/// </summary>
internal static class LingeringClose
{
    /// <summary>Sends <paramref name="answer"/>, shuts down sending, then drains until the client closes, at most
    /// <paramref name="maxDrain"/> bytes, or until <paramref name="ct"/> (the caller's deadline). Socket errors and
    /// cancellation reach the caller, which closes the socket in any case.</summary>
    public static async Task SendThenDrainAsync(Socket socket, ReadOnlyMemory<byte> answer, long maxDrain, CancellationToken ct)
    {
        await socket.SendAsync(answer, SocketFlags.None, ct).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        byte[] sink = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (long drained = 0; drained < maxDrain;)
            {
                int n = await socket.ReceiveAsync(sink, SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0) return;
                drained += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sink);
        }
    }
}
