using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Daemon.Sessions;

/// <summary>Answers one REQUEST: the file's bytes as one binary message, streamed, or the
/// protocol's error text with the request's opcode.</summary>
internal sealed class FileReply(SessionContext context, FrameSender sender, string peer)
{
    // Over plain TCP, files of at least this size go by sendfile; smaller ones leave as one ordinary frame. Measured
    // (bench/PROFILE.md, W4): with the header corked in front of the body, sendfile costs the daemon no more CPU per
    // file than a read and a send at 4, 16 and 64 KiB, and gives more files/s at each; 4 KiB is the smallest size measured.
    internal const int SendFileFrom = 4 * 1024;
    // One sendfile range per send-timeout window. 2 and 4 MiB measured no different from 1 MiB (W3).
    private const int SendFilePiece = 1024 * 1024;
    // Without sendfile (TLS), what one fragment carries: the memory a transfer holds, and the most a ping or
    // pong waits behind. Larger pieces cost less CPU per byte (measured: 256 KiB about 8% less than 64 KiB).
    private const int CopyPiece = 256 * 1024;
    private static readonly byte[] FileNameMissing = FileReplies.FileNameMissing.ToArray();
    private static readonly byte[] FileNotFound = FileReplies.FileNotFound.ToArray();

    /// <returns>A short outcome for the log, false when the connection must be closed with 1011
    /// (the file changed size between fragments), and the file's size when it was sent whole (else null).</returns>
    public async Task<(string Outcome, bool GoOn, long? BytesSent)> SendAsync(string? path, Opcode requestOpcode, CancellationToken ct)
    {
        var verdict = RequestPath.Check(path, out string[] segments);
        if (verdict == PathVerdict.Missing)
        {
            await sender.SendFrameAsync(requestOpcode, true, FileNameMissing, ct).ConfigureAwait(false);
            return ("file name missing", true, null);
        }
        // Opening, reading and sendfile may wait for the disk: never on a socket engine thread (see SocketCompletions).
        await new ThreadPoolHop();
        FileRefusal refusal = FileRefusal.OutsideRoot;
        using var file = verdict == PathVerdict.Ok ? context.Files.TryOpen(segments, out refusal) : null;
        if (file is null)
        {
            context.Metrics.FileNotFound();
            string cause = verdict == PathVerdict.Ok ? refusal.ToString() : verdict.ToString();
            context.CommandLog.LogInformation("{Peer} file refused: {Cause}", peer, cause);
            await sender.SendFrameAsync(requestOpcode, true, FileNotFound, ct).ConfigureAwait(false);
            return ("file not found (" + cause + ")", true, null);
        }
        context.Metrics.FileOpened();
        try
        {
            var handle = file.Handle;
            if (file.Length >= SendFileFrom && sender.CanSendFile)
            {
                await sender.SendFileFrameAsync(handle, file.Length, SendFilePiece, ct).ConfigureAwait(false);
            }
            else if (!await SendFragmentedAsync(handle, file.Length, ct).ConfigureAwait(false))
            {
                return ("file changed while being sent", false, null);
            }
            context.Metrics.FileSent(file.Length);
            return ($"sent {file.Length} bytes", true, file.Length);
        }
        finally
        {
            context.Metrics.FileClosed();
        }
    }

    /// <summary>Reads the file in pieces and sends them as fragments (or one frame when it fits one piece).
    /// Returns false when the file's size changed: nothing wrong was completed, the caller closes with 1011.</summary>
    private async Task<bool> SendFragmentedAsync(SafeFileHandle handle, long length, CancellationToken ct)
    {
        // Each piece is read in behind room for its frame header, so header and piece leave in one write.
        const int room = FrameSender.HeaderRoom;
        int pieceSize = (int)Math.Min(CopyPiece, Math.Max(length, 1));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(room + pieceSize);
        try
        {
            long offset = 0;
            do
            {
                int want = (int)Math.Min(pieceSize, length - offset);
                // On the pool already (the hop above, or again here after a send that completed on a socket engine
                // thread): a plain read here costs less than RandomAccess.ReadAsync, which on a handle not opened
                // for async I/O queues the same blocking read as one more work item.
                await new ThreadPoolHop();
                int got = ReadFully(handle, buffer.AsSpan(room, want), offset);
                bool last = offset + got == length;
                if (got != want || (last && OpenedFile.ChangedBeforeLastPiece(handle, offset, length))) return false;
                await sender.SendFrameInPlaceAsync(offset == 0 ? Opcode.Binary : Opcode.Continuation, last,
                                                   buffer.AsMemory(0, room + got), ct).ConfigureAwait(false);
                offset += got;
            }
            while (offset < length);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
