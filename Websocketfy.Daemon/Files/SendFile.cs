using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Network;

namespace Websocketfy.Daemon.Files;

/// <summary>Sends a byte range of an open file to a connected stream socket with sendfile(2): the bytes
/// go from the page cache to the socket without passing through user space.</summary>
/// <remarks>
/// Why not .NET's own: <c>Socket.SendFile</c> is synchronous and whole-file; <c>Socket.SendFileAsync</c>
/// reopens the file by path (which undoes the careful open of <see cref="FileTree"/>) and sends it
/// whole; <c>SendPacketsAsync</c> takes a range but only from a FileStream opened for async I/O, and
/// offers no cancellation. So sendfile is called here directly on the socket's descriptor, which .NET
/// keeps non-blocking once an async operation has run on it. When the socket buffer is full (EAGAIN),
/// the next small piece of the file goes through an ordinary <c>Socket.SendAsync</c>: that is the only
/// public way to wait for a .NET socket to become writable, and it honours the cancellation token.
/// Plain TCP only: under TLS the bytes must be encrypted in user space, so the caller copies instead.
/// The caller must not write to the socket from elsewhere while this runs (as with any frame).
/// </remarks>
public static class SendFile
{
    /// <summary>Big enough that waiting for writability moves a useful amount, small enough that a slow
    /// client does not turn the transfer into a user-space copy loop.</summary>
    internal const int WaitChunkSize = 16 * 1024;

    /// <summary>Sends exactly <paramref name="count"/> bytes of <paramref name="file"/> from
    /// <paramref name="offset"/> and returns <paramref name="count"/>. Throws
    /// <see cref="FileChangedException"/> when the file ends before the range does (nothing is sent if
    /// that is already so at the start), <see cref="SocketException"/> when the peer goes away,
    /// <see cref="IOException"/> when the file cannot be read, and
    /// <see cref="OperationCanceledException"/> on cancellation. After any exception the socket may hold
    /// part of the range, so the connection must be dropped.</summary>
    public static async ValueTask<long> SendAsync(Socket socket, SafeFileHandle file, long offset, long count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ct.ThrowIfCancellationRequested();
        if (count == 0)
        {
            return 0;
        }
        if (RandomAccess.GetLength(file) - offset < count)
        {
            throw new FileChangedException(count, 0);
        }

        await EnsureNonBlockingAsync(socket, ct).ConfigureAwait(false);

        byte[]? waitChunk = null;
        long sent = 0;
        try
        {
            while (sent < count)
            {
                ct.ThrowIfCancellationRequested();
                // sendfile and the read below may wait for the disk: never on a socket engine thread (the frame
                // header's write, or the wait for writability, may have completed on one; see SocketCompletions).
                await new ThreadPoolHop();
                long moved = TrySendFile(socket, file, offset + sent, count - sent, out int errno);
                if (moved > 0)
                {
                    sent += moved;
                    continue;
                }
                if (moved == 0)
                {
                    throw new FileChangedException(count, sent);
                }
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                if (errno != Errno.EAGAIN)
                {
                    throw ErrorFor(errno);
                }

                waitChunk ??= ArrayPool<byte>.Shared.Rent(WaitChunkSize);
                int want = (int)Math.Min(WaitChunkSize, count - sent);
                int read = RandomAccess.Read(file, waitChunk.AsSpan(0, want), offset + sent);
                if (read == 0)
                {
                    throw new FileChangedException(count, sent);
                }
                // On a stream socket SendAsync completes only once every byte is accepted.
                sent += await socket.SendAsync(waitChunk.AsMemory(0, read), SocketFlags.None, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (waitChunk is not null)
            {
                ArrayPool<byte>.Shared.Return(waitChunk);
            }
        }
        return sent;
    }

    private static unsafe long TrySendFile(Socket socket, SafeFileHandle file, long offset, long count, out int errno)
    {
        long position = offset;
        nint moved = Libc.SendFile(socket.SafeHandle, file, &position, (nuint)Math.Min(count, Libc.SendFileMaxChunk));
        errno = moved < 0 ? Marshal.GetLastPInvokeError() : 0;
        return moved;
    }

    /// <summary>A blocking descriptor would make sendfile wait inside the kernel, beyond the reach of
    /// cancellation. .NET switches a socket's descriptor to non-blocking on its first async operation
    /// (Socket.Blocking stays as the caller set it; .NET emulates it), so one empty async send does it.</summary>
    private static async ValueTask EnsureNonBlockingAsync(Socket socket, CancellationToken ct)
    {
        if (IsNonBlocking(socket))
        {
            return;
        }
        await socket.SendAsync(ReadOnlyMemory<byte>.Empty, SocketFlags.None, ct).ConfigureAwait(false);
        if (!IsNonBlocking(socket))
        {
            throw new InvalidOperationException("The socket's descriptor could not be made non-blocking; sendfile would block.");
        }
    }

    private static bool IsNonBlocking(Socket socket)
    {
        int flags = Libc.FcntlGet(socket.SafeHandle, Libc.FGetFl);
        if (flags < 0)
        {
            throw ErrorFor(Marshal.GetLastPInvokeError());
        }
        return (flags & Libc.ONonBlock) != 0;
    }

    /// <summary>Socket-side errors become the SocketException the rest of the daemon already handles;
    /// anything else (EIO reading the disk, ...) is a file error.</summary>
    private static Exception ErrorFor(int errno) => errno switch
    {
        Errno.EPIPE => new SocketException((int)SocketError.Shutdown),
        Errno.ECONNRESET => new SocketException((int)SocketError.ConnectionReset),
        Errno.ENOTCONN => new SocketException((int)SocketError.NotConnected),
        _ => new IOException($"sendfile failed: {Errno.Name(errno)}", errno),
    };
}
