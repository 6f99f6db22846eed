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
    // Over plain TCP, up to this size a file leaves as one ordinary frame; larger ones go by sendfile.
    private const int SmallFile = 64 * 1024;
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
            var handle = file.Stream.SafeFileHandle;
            if (file.Length > SmallFile && sender.CanSendFile)
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
                int got = await ReadFullyAsync(handle, buffer.AsMemory(room, want), offset, ct).ConfigureAwait(false);
                bool last = offset + got == length;
                if (got != want || (last && RandomAccess.GetLength(handle) != length)) return false;
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

    private static async ValueTask<int> ReadFullyAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken ct)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await RandomAccess.ReadAsync(handle, buffer[total..], offset + total, ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
