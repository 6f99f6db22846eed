using System.Security.Cryptography;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// A get whose start message is out: its bytes go as data messages of one chunk each, one per turn of
/// the outbox's round-robin, then its done message. Holds the open file and, when asked, the running
/// SHA-256; the outbox's one buffer carries each chunk, so a transfer holds no chunk of its own between turns.
/// </summary>
internal sealed class V2Transfer(V2GetWork work, V2OpenFile file, long offset, long length) : IDisposable
{
    /// <summary>Bytes in front of the prefix in the outbox's buffer, where the frame header is written, so a
    /// chunk leaves in one write (one TLS record under TLS).</summary>
    public const int HeaderRoom = FrameSender.HeaderRoom;

    private readonly IncrementalHash? _hash = work.Request.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    private long _sent;

    public V2Work Work => work;

    public bool IsFinished => work.IsFinished;

    /// <summary>Data messages written so far.</summary>
    public long ChunksSent { get; private set; }

    /// <summary>Sends the next chunk, or the end. Returns true while chunks remain. <paramref name="buffer"/>
    /// holds <see cref="HeaderRoom"/>, the prefix and <paramref name="chunkSize"/> bytes.</summary>
    public async ValueTask<bool> SendNextAsync(FrameSender sender, byte[] buffer, int chunkSize, CancellationToken ct)
    {
        if (work.IsFinished) return false;
        if (_sent < length)
        {
            long at = offset + _sent;
            int n = (int)Math.Min(chunkSize, length - _sent);
            // A file that shrank or grew is not the file the start message described.
            if (RandomAccess.GetLength(file.Handle) != file.Version.Size) return Changed();
            ChunkPrefix.Write(buffer.AsSpan(HeaderRoom), work.Id, at);
            if (_hash is not null || !sender.CanSendFile)
            {
                // The bytes hashed must be the bytes sent, and TLS needs them in user space anyway.
                Memory<byte> body = buffer.AsMemory(HeaderRoom + ChunkPrefix.Length, n);
                int got;
                try { got = await ReadFullyAsync(body, at, ct).ConfigureAwait(false); }
                catch (IOException) { return Changed("the file could not be read to its end"); }
                if (got != n) return Changed();
                _hash?.AppendData(body.Span);
                await sender.SendFrameInPlaceAsync(Opcode.Binary, fin: true, buffer.AsMemory(0, HeaderRoom + ChunkPrefix.Length + n), ct).ConfigureAwait(false);
            }
            else
            {
                await sender.SendFileChunkFrameAsync(buffer.AsMemory(HeaderRoom, ChunkPrefix.Length), file.Handle, at, n, ct).ConfigureAwait(false);
            }
            _sent += n;
            work.BytesMoved = _sent;
            ChunksSent++;
            work.Connection.Context.Metrics.FileBytes(n);
            if (_sent < length) return true;
        }
        Complete();
        return false;
    }

    private void Complete()
    {
        if (RandomAccess.GetLength(file.Handle) != file.Version.Size)
        {
            Changed();
            return;
        }
        byte[] hash = _hash?.GetHashAndReset() ?? [];
        if (hash.Length > 0 && offset == 0 && length == file.Version.Size)
            work.Connection.Context.V2.Hashes.Add(file.Version, hash);
        work.Connection.Finish(work, V2TextMessage.Of(o => V2Replies.Done(o, work.Id, length, hash)), "ok", $"sent {length} bytes");
    }

    private bool Changed(string message = "the file's size changed while it was sent: discard what arrived")
    {
        work.Connection.Finish(work, V2TextMessage.Of(o => V2Replies.Error(o, work.Id, V2ErrorCode.Changed, message)),
                               V2ErrorCode.Changed, $"changed after {_sent} of {length} bytes");
        return false;
    }

    private async ValueTask<int> ReadFullyAsync(Memory<byte> destination, long at, CancellationToken ct)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = await RandomAccess.ReadAsync(file.Handle, destination[total..], at + total, ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        file.Dispose();
        _hash?.Dispose();
    }
}
