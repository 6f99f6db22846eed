using System.Net.Sockets;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>Talks to the SiREN peer directly over TCP, the way a careful client must (one write per
/// command, read until the prompt): the reference a relayed reply is compared with.</summary>
public static class RawSiren
{
    private static readonly byte[] Prompt = "Siren::SQL> "u8.ToArray();

    /// <param name="silence">The bound on silence (30 s unless given); a reply the peer takes long to build
    /// needs more before its first byte (<see cref="Queries.LargeReplyPatience"/>).</param>
    public static async Task<byte[]> QueryAsync(int port, string command, TimeSpan? silence = null)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        TimeSpan bound = silence ?? TimeSpan.FromSeconds(30);
        await ReadUntilPromptAsync(socket, bound);
        await socket.SendAsync(Encoding.UTF8.GetBytes(command), SocketFlags.None);
        return await ReadUntilPromptAsync(socket, bound);
    }

    // Bounds silence, not the whole reply: a large reply on a busy machine may take long but keeps coming.
    private static async Task<byte[]> ReadUntilPromptAsync(Socket socket, TimeSpan silence)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(silence);
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException("peer closed before the prompt");
            timeout.CancelAfter(silence);
            received.Write(buffer, 0, n);
            if (received.Length >= Prompt.Length && received.GetBuffer().AsSpan(0, (int)received.Length).EndsWith(Prompt))
                return received.GetBuffer().AsSpan(0, (int)received.Length - Prompt.Length).ToArray();
        }
    }
}
