using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>A connected TCP pair on 127.0.0.1: <see cref="Sender"/> is the accepted (server) side, as in
/// the daemon; <see cref="Receiver"/> is the client.</summary>
internal sealed class LoopbackPair : IDisposable
{
    private LoopbackPair(Socket sender, Socket receiver)
    {
        Sender = sender;
        Receiver = receiver;
    }

    public Socket Sender { get; }
    public Socket Receiver { get; }

    /// <param name="smallBuffers">Shrinks both kernel buffers so that a peer that does not read stalls
    /// the sender after some tens of KiB rather than megabytes.</param>
    /// <param name="acceptSynchronously">A synchronously accepted socket keeps a blocking descriptor
    /// until some async operation runs on it.</param>
    public static async Task<LoopbackPair> ConnectAsync(bool smallBuffers = false, bool acceptSynchronously = false)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (smallBuffers)
        {
            receiver.ReceiveBufferSize = 16 * 1024;
        }
        await receiver.ConnectAsync(listener.LocalEndPoint!);
        Socket sender = acceptSynchronously ? listener.Accept() : await listener.AcceptAsync();
        if (smallBuffers)
        {
            sender.SendBufferSize = 16 * 1024;
        }
        return new LoopbackPair(sender, receiver);
    }

    /// <summary>Waits, without reading, until bytes are waiting at the receiver.</summary>
    public async Task FirstBytesAsync(TimeSpan patience) =>
        Assert.That(await Wait.UntilAsync(() => Receiver.Available > 0, patience), Is.True, "no bytes arrived");

    /// <summary>Waits until the file's bytes flow (so a sender's up-front size checks are behind it), truncates the
    /// file to <paramref name="length"/>, and only then starts draining: with small buffers the truncation lands
    /// in the middle of a large transfer. Returns the drain.</summary>
    public async Task<Task<(long Count, byte[] Sha256)>> TruncateOnceFlowingAsync(string path, long length, TimeSpan patience)
    {
        await FirstBytesAsync(patience);
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            truncate.SetLength(length);
        }
        return ReceiveAllAsync();
    }

    /// <summary>Reads until the sender shuts down; returns the byte count and SHA-256 of what arrived.</summary>
    public async Task<(long Count, byte[] Sha256)> ReceiveAllAsync()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            int read = await Receiver.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                return (total, hash.GetHashAndReset());
            }
            hash.AppendData(buffer, 0, read);
            total += read;
        }
    }

    /// <summary>Reads until the sender shuts down; returns every byte that arrived (for frame parsing).</summary>
    public async Task<byte[]> ReceiveBytesAsync()
    {
        using var all = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await Receiver.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        return all.ToArray();
    }

    /// <summary>Receiver first: closing it with unread data resets the connection, which wakes a
    /// sender stuck in the kernel (it would otherwise keep the sender's Dispose waiting).</summary>
    public void Dispose()
    {
        Receiver.Dispose();
        Sender.Dispose();
    }
}
