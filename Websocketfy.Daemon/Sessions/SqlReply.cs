using System.Buffers;
using Websocketfy.Daemon.Backend;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// Answers one SQL command: relays it to SiREN and streams the reply to the client as one message,
/// fragment by fragment while SiREN is still sending. The backend side runs at SiREN's speed into
/// a spool; this side drains the spool at the client's speed.
/// </summary>
internal sealed class SqlReply(SessionContext context, FrameSender sender)
{
    private const int PieceSize = 64 * 1024;
    private static readonly byte[] UnavailableReply = SirenFailureReplies.Unavailable.ToArray();
    private static readonly byte[] ClosedEarlyReply = SirenFailureReplies.ClosedBeforeReplyComplete.ToArray();

    /// <returns>A short outcome for the log, a close status (0 = keep the connection open), whether
    /// SiREN's reply was relayed whole, and how many reply bytes SiREN sent.</returns>
    public async Task<(string Outcome, ushort CloseStatus, bool Relayed, long ReplyBytes)> SendAsync(ReadOnlyMemory<byte> command, Opcode opcode, CancellationToken ct)
    {
        var options = context.Options;
        using var spool = new ReplySpool(options.SpoolMemoryLimit, options.SpoolDirectory, context.Metrics);
        using var relayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task relay = context.Siren.RelayAsync(command, spool, relayCancel.Token);
        try
        {
            var (outcome, closeStatus, relayed) = await StreamAsync(spool, opcode, options.SirenTimeout, ct).ConfigureAwait(false);
            return (outcome, closeStatus, relayed, spool.Appended);
        }
        finally
        {
            // The backend side must be done with the command bytes and the spool before they are freed.
            if (!relay.IsCompleted) relayCancel.Cancel();
            await relay.ConfigureAwait(false);
            context.Metrics.SqlReplyBytes(spool.Appended);
        }
    }

    private async Task<(string, ushort, bool)> StreamAsync(ReplySpool spool, Opcode opcode, TimeSpan sirenTimeout, CancellationToken ct)
    {
        bool text = opcode == Opcode.Text;
        var sanitizer = text ? new Utf8Sanitizer() : null;
        byte[] piece = ArrayPool<byte>.Shared.Rent(PieceSize);
        byte[]? repaired = text ? ArrayPool<byte>.Shared.Rent(Utf8Sanitizer.MaxOutputLength(PieceSize)) : null;
        bool started = false;
        try
        {
            while (true)
            {
                int n = await spool.ReadAsync(piece, ct).ConfigureAwait(false);
                bool last = spool.IsComplete;
                if (n == 0 && !last) return await FailAsync(spool.Failure, started, opcode, sirenTimeout, ct).ConfigureAwait(false);

                ReadOnlyMemory<byte> payload = piece.AsMemory(0, n);
                if (sanitizer is not null)
                    payload = repaired.AsMemory(0, sanitizer.Convert(piece.AsSpan(0, n), repaired, final: last));
                // A fragment that carries nothing (e.g. only the start of a split UTF-8 sequence) is not worth a frame.
                if (payload.IsEmpty && !last) continue;
                await sender.SendFrameAsync(started ? Opcode.Continuation : opcode, last, payload, ct).ConfigureAwait(false);
                started = true;
                if (last) return ($"reply {spool.Appended} bytes{(spool.SpilledToDisk ? " (spooled to disk)" : "")}", 0, true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
            if (repaired is not null) ArrayPool<byte>.Shared.Return(repaired);
        }
    }

    private async Task<(string, ushort, bool)> FailAsync(ReplyFailure failure, bool started, Opcode opcode, TimeSpan sirenTimeout, CancellationToken ct)
    {
        context.Metrics.SqlFailure();
        switch (failure)
        {
            case ReplyFailure.TooLarge:
                return (SirenFailureReplies.ReplyTooLargeReason, CloseStatus.InternalError, false);
            case ReplyFailure.Cancelled:
                throw new OperationCanceledException(ct);
        }
        if (started)
        {
            // Part of the message is out and cannot be taken back: end the connection with the reason.
            return (failure == ReplyFailure.Silent
                        ? SirenFailureReplies.DidNotAnswerReason(sirenTimeout)
                        : SirenFailureReplies.ClosedBeforeReplyCompleteReason,
                    CloseStatus.InternalError, false);
        }
        byte[] reply = failure switch
        {
            ReplyFailure.Unavailable => UnavailableReply,
            ReplyFailure.Silent => SirenFailureReplies.DidNotAnswer(sirenTimeout),
            _ => ClosedEarlyReply,
        };
        await sender.SendFrameAsync(opcode, true, reply, ct).ConfigureAwait(false);
        return ("failed: " + failure, 0, false);
    }
}
