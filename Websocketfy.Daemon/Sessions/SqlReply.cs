using System.Runtime.CompilerServices;
using System.Buffers;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Network;
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

    /// <summary>The log's outcome for a reply relayed whole (made only when the line is written).</summary>
    public static string RelayedOutcome(long replyBytes, bool spilled) =>
        $"reply {replyBytes} bytes{(spilled ? " (spooled to disk)" : "")}";

    /// <returns>Why the reply was not relayed whole (a short outcome for the log; null when it was), a close
    /// status (0 = keep the connection open), how many reply bytes SiREN sent, and whether the spool used disk.</returns>
    // Once per SQL command, like StreamAsync: pooled state machines instead of an allocation each.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<(string? Failure, ushort CloseStatus, long ReplyBytes, bool Spilled)> SendAsync(ReadOnlyMemory<byte> command, Opcode opcode, CancellationToken ct)
    {
        var options = context.Options;
        using var spool = new ReplySpool(options.SpoolMemoryLimit, options.SpoolDirectory, context.Metrics);
        using var relayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ValueTask relay = context.Siren.RelayAsync(command, spool, relayCancel.Token);
        try
        {
            var (failure, closeStatus) = await StreamAsync(spool, opcode, options.SirenTimeout, ct).ConfigureAwait(false);
            return (failure, closeStatus, spool.Appended, spool.SpilledToDisk);
        }
        finally
        {
            // The backend side must be done with the command bytes and the spool before they are freed. A complete
            // reply means the relay is returning (this side may even run inside its last append): nothing to cancel.
            if (!relay.IsCompleted && !spool.IsComplete) relayCancel.Cancel();
            await relay.ConfigureAwait(false);
            context.Metrics.SqlReplyBytes(spool.Appended);
            // Disposing a spilled spool deletes its file: a file-system call, kept off the socket engine's threads.
            if (spool.SpilledToDisk) await new ThreadPoolHop();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(string?, ushort)> StreamAsync(ReplySpool spool, Opcode opcode, TimeSpan sirenTimeout, CancellationToken ct)
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
                if (last) return (null, 0);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
            if (repaired is not null) ArrayPool<byte>.Shared.Return(repaired);
        }
    }

    private async ValueTask<(string, ushort)> FailAsync(ReplyFailure failure, bool started, Opcode opcode, TimeSpan sirenTimeout, CancellationToken ct)
    {
        context.Metrics.SqlFailure();
        switch (failure)
        {
            case ReplyFailure.TooLarge:
                return (SirenFailureReplies.ReplyTooLargeReason, CloseStatus.InternalError);
            case ReplyFailure.Cancelled:
                throw new OperationCanceledException(ct);
        }
        if (started)
        {
            // Part of the message is out and cannot be taken back: end the connection with the reason.
            return (failure == ReplyFailure.Silent
                        ? SirenFailureReplies.DidNotAnswerReason(sirenTimeout)
                        : SirenFailureReplies.ClosedBeforeReplyCompleteReason,
                    CloseStatus.InternalError);
        }
        byte[] reply = failure switch
        {
            ReplyFailure.Unavailable => UnavailableReply,
            ReplyFailure.Silent => SirenFailureReplies.DidNotAnswer(sirenTimeout),
            _ => ClosedEarlyReply,
        };
        await sender.SendFrameAsync(opcode, true, reply, ct).ConfigureAwait(false);
        return ("failed: " + failure, 0);
    }
}
