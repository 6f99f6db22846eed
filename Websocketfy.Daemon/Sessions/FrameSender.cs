using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// The only writer of a connection. Frames are written whole under one lock, so control frames
/// (pongs, pings, close) can slip in between the fragments of a streamed message but never
/// inside a frame. Every write is bounded by send-timeout without progress: a peer that stops
/// reading makes the write fail instead of making the daemon buffer, a peer that reads slowly does not.
/// The bound is checked once a second from the registry's tick (<see cref="IsStalled"/>) and enforced by
/// the connection's own cancellation, not by a timer per write: an idle connection holds no timer and no
/// cancellation source of the sender's, and a write sets no timer.
/// </summary>
internal sealed class FrameSender
{
    // Payloads up to this size are copied next to their header and leave in one write.
    private const int CoalesceLimit = 16 * 1024;

    private readonly Stream _stream;
    private readonly Socket? _socket;
    private readonly bool _encrypted;
    private readonly Func<TimeSpan> _sendTimeout;
    private readonly Metrics _metrics;
    /// <summary>The connection's lifetime: cancelling it ends every write in progress.</summary>
    private readonly CancellationToken _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Lock _progressGate = new();
    private bool _writing;
    // Once made non-blocking, a socket's descriptor stays so (.NET only emulates Socket.Blocking afterwards).
    private bool _nonBlocking;
    private long _bytesAckedSeen;
    /// <summary>When the write in progress began, or the peer last acknowledged bytes during it (TickCount64).</summary>
    private long _progressAt;
    /// <summary>Room for a header or a whole control frame, used under the lock; made at the first frame, so a connection
    /// that has had none written since the upgrade (most idle ones) holds none.</summary>
    private byte[]? _controlFrameBuffer;

    /// <param name="socket">The TCP socket under <paramref name="stream"/>, for TCP_INFO's progress count
    /// (and for sendfile(2) when not <paramref name="encrypted"/>); null for a stream without one (tests).</param>
    /// <param name="encrypted">TLS sits between the stream and the socket: file bodies must pass through
    /// user space to be encrypted, so no sendfile.</param>
    /// <param name="sendTimeout">Read at each check, so a reload's new send-timeout applies to open connections too.</param>
    /// <param name="connection">Cancelled when the connection ends (by its owner, also when <see cref="IsStalled"/> says so):
    /// every write in progress then fails.</param>
    public FrameSender(Stream stream, Socket? socket, bool encrypted, Func<TimeSpan> sendTimeout, Metrics metrics, CancellationToken connection)
    {
        _connection = connection;
        _stream = stream;
        _socket = socket;
        _encrypted = encrypted;
        _sendTimeout = sendTimeout;
        _metrics = metrics;
    }

    private byte[] ControlFrame => _controlFrameBuffer ??= new byte[FrameHeaderCodec.MaxHeaderLength + 125];

    /// <summary>Set once our close frame is written (or being written): no data frame follows it.</summary>
    public bool CloseSent { get; private set; }

    public bool CanSendFile => _socket is not null && !_encrypted;

    /// <summary>Sends one data frame (a whole message when <paramref name="fin"/> and not Continuation).</summary>
    public async ValueTask SendFrameAsync(Opcode opcode, bool fin, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) throw new ConnectionClosingException();
            await WriteFrameAsync(opcode, fin, payload).ConfigureAwait(false);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Room to leave in front of a payload given to <see cref="SendFrameInPlaceAsync"/>.</summary>
    public const int HeaderRoom = FrameHeaderCodec.MaxServerHeaderLength;

    /// <summary>Sends one data frame whose payload follows <see cref="HeaderRoom"/> free bytes in
    /// <paramref name="frame"/>: the header is written into that room and the frame leaves in one write, with
    /// no copy. Under TLS that spares a tiny record for the header in front of every piece of a file.</summary>
    public async ValueTask SendFrameInPlaceAsync(Opcode opcode, bool fin, Memory<byte> frame, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) throw new ConnectionClosingException();
            int headerLength = FrameHeaderCodec.WriteServerHeader(ControlFrame, opcode, fin, frame.Length - HeaderRoom);
            int start = HeaderRoom - headerLength;
            ControlFrame.AsSpan(0, headerLength).CopyTo(frame.Span[start..]);
            await WriteAsync(frame[start..]).ConfigureAwait(false);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Sends a ping or pong; dropped silently once our close frame went out.</summary>
    public async ValueTask SendControlAsync(Opcode opcode, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) return;
            int header = FrameHeaderCodec.WriteServerHeader(ControlFrame, opcode, fin: true, payload.Length);
            payload.Span.CopyTo(ControlFrame.AsSpan(header));
            await WriteAsync(ControlFrame.AsMemory(0, header + payload.Length)).ConfigureAwait(false);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Writes our close frame once. Returns false when one was already sent.</summary>
    public async ValueTask<bool> SendCloseAsync(ushort code, string reason, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) return false;
            CloseSent = true;
            Span<byte> payload = stackalloc byte[125];
            int length = CloseStatus.WritePayload(payload, code, reason);
            int header = FrameHeaderCodec.WriteServerHeader(ControlFrame, Opcode.Close, fin: true, length);
            payload[..length].CopyTo(ControlFrame.AsSpan(header));
            await WriteAsync(ControlFrame.AsMemory(0, header + length)).ConfigureAwait(false);
            return true;
        }
        finally { _lock.Release(); }
    }

    /// <summary>Sends a file as one binary frame whose length is <paramref name="length"/>, the body by sendfile(2).
    /// Before the last piece the file's size is checked again: if it changed, <see cref="FileChangedException"/>
    /// is thrown and the caller must drop the TCP connection (the frame length is already on the wire).</summary>
    public async ValueTask SendFileFrameAsync(SafeFileHandle file, long length, int pieceSize, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) throw new ConnectionClosingException();
            int headerLength = FrameHeaderCodec.WriteServerHeader(ControlFrame, Opcode.Binary, fin: true, length);
            await WriteBeforeSendFileAsync(headerLength).ConfigureAwait(false);
            long offset = 0;
            while (offset < length)
            {
                long piece = Math.Min(pieceSize, length - offset);
                // One size check per transfer, before the last piece; a file that shrinks earlier ends sendfile
                // at its new end, which throws FileChangedException too.
                if (offset + piece == length && OpenedFile.ChangedBeforeLastPiece(file, offset, length))
                    throw new FileChangedException(length, offset);
                long sent;
                BeginWrite();
                try { sent = await SendFile.SendRangeAsync(_socket!, file, offset, piece, _connection).ConfigureAwait(false); }
                finally { EndWrite(); }
                offset += sent;
                _metrics.BytesSent(sent);
            }
        }
        finally { _lock.Release(); }
    }

    /// <summary>Sends one binary frame: <paramref name="prefix"/> (at most 125 bytes), then <paramref name="count"/>
    /// bytes of <paramref name="file"/> from <paramref name="offset"/> by sendfile(2). The header and prefix leave
    /// in one write first. If the file ends early, <see cref="FileChangedException"/> is thrown with the frame
    /// incomplete on the wire: the caller must drop the TCP connection.</summary>
    public async ValueTask SendFileChunkFrameAsync(ReadOnlyMemory<byte> prefix, SafeFileHandle file, long offset, int count, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (CloseSent) throw new ConnectionClosingException();
            int header = FrameHeaderCodec.WriteServerHeader(ControlFrame, Opcode.Binary, fin: true, prefix.Length + count);
            prefix.Span.CopyTo(ControlFrame.AsSpan(header));
            await WriteBeforeSendFileAsync(header + prefix.Length).ConfigureAwait(false);
            long sent;
            BeginWrite();
            try { sent = await SendFile.SendRangeAsync(_socket!, file, offset, count, _connection).ConfigureAwait(false); }
            finally { EndWrite(); }
            _metrics.BytesSent(sent);
        }
        finally { _lock.Release(); }
    }

    private async ValueTask WriteFrameAsync(Opcode opcode, bool fin, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length <= CoalesceLimit)
        {
            byte[] frame = ArrayPool<byte>.Shared.Rent(FrameHeaderCodec.MaxHeaderLength + payload.Length);
            try
            {
                int header = FrameHeaderCodec.WriteServerHeader(frame, opcode, fin, payload.Length);
                payload.Span.CopyTo(frame.AsSpan(header));
                await WriteAsync(frame.AsMemory(0, header + payload.Length)).ConfigureAwait(false);
            }
            finally { ArrayPool<byte>.Shared.Return(frame); }
            return;
        }
        int headerLength = FrameHeaderCodec.WriteServerHeader(ControlFrame, opcode, fin, payload.Length);
        await WriteAsync(ControlFrame.AsMemory(0, headerLength)).ConfigureAwait(false);
        await WriteAsync(payload).ConfigureAwait(false);
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        BeginWrite();
        try { await _stream.WriteAsync(bytes, _connection).ConfigureAwait(false); }
        finally { EndWrite(); }
        _metrics.BytesSent(bytes.Length);
    }

    /// <summary>Writes the first <paramref name="length"/> bytes of the control buffer (a frame header, and a
    /// prefix) ahead of a sendfile body: corked, so that they leave with the body's first bytes, or the ordinary
    /// way for what the socket does not take at once. Also makes sure sendfile will not block.</summary>
    private async ValueTask WriteBeforeSendFileAsync(int length)
    {
        await EnsureNonBlockingAsync().ConfigureAwait(false);
        int corked = SendFile.TrySendCorked(_socket!, ControlFrame.AsSpan(0, length));
        _metrics.BytesSent(corked);
        if (corked < length) await WriteAsync(ControlFrame.AsMemory(corked, length - corked)).ConfigureAwait(false);
    }

    private async ValueTask EnsureNonBlockingAsync()
    {
        if (_nonBlocking) return;
        await SendFile.EnsureNonBlockingAsync(_socket!, _connection).ConfigureAwait(false);
        _nonBlocking = true;
    }

    private void BeginWrite()
    {
        lock (_progressGate)
        {
            _writing = true;
            _progressAt = Environment.TickCount64;
        }
    }

    private void EndWrite()
    {
        lock (_progressGate) _writing = false;
    }

    /// <summary>Called about once a second (the registry's tick): true when a write has waited send-timeout
    /// without progress, and the connection must be dropped. A write still waiting while the peer keeps
    /// acknowledging bytes is slow, not stalled: its send-timeout starts again. Needed because the kernel wakes
    /// a blocked writer only once a third of a large send buffer has drained, which a slow but steady reader
    /// may take longer than send-timeout to do, whatever the size of the write.</summary>
    public bool IsStalled(long now)
    {
        lock (_progressGate)
        {
            if (!_writing) return false;
            // Under TLS the socket is still there: acknowledged bytes are ciphertext, progress all the same.
            long acked = _socket is null ? -1 : TcpProgress.BytesAcked(_socket);
            if (acked > _bytesAckedSeen) _progressAt = now;
            if (acked >= 0) _bytesAckedSeen = acked;
            return now - _progressAt > (long)_sendTimeout().TotalMilliseconds;
        }
    }

    /// <summary>Ends our direction of the connection once our close frame is out: under TLS a close_notify
    /// first (the peer then sees the TLS stream end cleanly rather than cut), then the TCP FIN. Waits for a
    /// frame being written at most <paramref name="bound"/>, and no longer than that for the close_notify.</summary>
    public async ValueTask ShutdownSendAsync(TimeSpan bound)
    {
        if (!await _lock.WaitAsync(bound).ConfigureAwait(false)) return;
        try
        {
            if (_stream is SslStream tls)
            {
                Task closeNotify = tls.ShutdownAsync();
                // SslStream.ShutdownAsync takes no token: a peer that reads nothing must not hold us here.
                _ = closeNotify.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                                             TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await closeNotify.WaitAsync(bound).ConfigureAwait(false);
            }
            _socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException
                                       or InvalidOperationException) { }
        finally { _lock.Release(); }
    }
}

/// <summary>A data frame was asked for after our close frame went out.</summary>
internal sealed class ConnectionClosingException() : Exception("the connection is closing");
