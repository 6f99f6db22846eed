using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.Siren;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// sql: relays the statement to SiREN as classic SQL (one write, a pooled connection, the reply spooled at
/// SiREN's speed), keeps the reply repaired to UTF-8 while SiREN sends it, then builds the one final
/// message: the text, and columns and rows when the split is certain, or SiREN's error, or the gateway's.
/// </summary>
internal sealed class V2SqlWork(V2Connection connection, V2Request request, int bytesIn) : V2Work(connection, request, bytesIn)
{
    private const int PieceSize = 64 * 1024;
    private static ReadOnlySpan<byte> CommandFailed => "Command failed."u8;

    /// <summary>Nothing is stopped: SiREN's reply is still read (and dropped) so its connection stays in step.</summary>
    public override void OnCancelled() { }

    public override async Task RunAsync()
    {
        var context = Connection.Context;
        if (context.CommandLog.IsEnabled(LogLevel.Debug))
            context.CommandLog.LogDebug("{Peer} v2 {Id} SQL {Text}", Connection.Peer, Id, Ops.LogText.Escape(System.Text.Encoding.UTF8.GetString(Request.Sql)));
        switch (CommandClassifier.Classify(Request.Sql).Kind)
        {
            case CommandKind.Blank:
                // SiREN would answer a blank command without its prompt: answered here, as classic does.
                Connection.Finish(this, V2TextMessage.Of(o => V2Replies.Sql(o, Id, ReadOnlySpan<byte>.Empty)), "ok", "blank: empty reply");
                return;
            case CommandKind.Quit:
                FinishWithError(V2ErrorCode.BadRequest,
                    "sql is QUIT, which SiREN would take as the end of its connection; websocketfy.v2 has no QUIT: close the WebSocket instead",
                    "QUIT refused");
                return;
        }

        var options = context.Options;
        using var spool = new ReplySpool(options.SpoolMemoryLimit, options.SpoolDirectory, context.Metrics);
        using var text = new SpillBuffer(options.SpoolMemoryLimit, options.SpoolDirectory, context.Metrics);
        var shape = new SirenTableShape();
        // Only the end of the connection stops the relay: a cancelled statement's reply is read to its prompt.
        ValueTask relay = context.Siren.RelayAsync(Request.Sql, spool, Connection.Lifetime);
        ReplyFailure failure;
        try
        {
            failure = await CollectAsync(spool, text, shape, options.SpoolMemoryLimit).ConfigureAwait(false);
        }
        finally
        {
            await relay.ConfigureAwait(false);
            context.Metrics.SqlReplyBytes(spool.Appended);
            BytesMoved = spool.Appended;
        }
        // Writing the JSON reply reads the text back (perhaps from disk) and costs time by its size, and leaving
        // disposes the spools (deleting their files if they spilled): either way, on the pool.
        await new ThreadPoolHop();
        if (IsFinished) return;
        if (failure != ReplyFailure.None)
        {
            var (code, message) = Describe(failure, options.SirenTimeout);
            FinishWithError(code, message, $"{code} after {spool.Appended} bytes");
            return;
        }
        var json = new SpillBuffer(options.SpoolMemoryLimit, options.SpoolDirectory, context.Metrics);
        try
        {
            string outcome = WriteReply(json, text, shape);
            string detail = SqlReply.RelayedOutcome(spool.Appended, spool.SpilledToDisk);
            Connection.Finish(this, new V2SpilledMessage(json, options.V2ChunkSize), outcome, detail);
        }
        catch
        {
            json.Dispose();
            throw;
        }
    }

    /// <summary>Takes the reply from the spool as SiREN sends it, repairing UTF-8; once the request was
    /// cancelled the rest is only read. Returns how the reply ended.</summary>
    private async Task<ReplyFailure> CollectAsync(ReplySpool spool, SpillBuffer text, SirenTableShape shape, int memoryLimit)
    {
        var sanitizer = new Utf8Sanitizer();
        byte[] piece = ArrayPool<byte>.Shared.Rent(PieceSize);
        byte[] repaired = ArrayPool<byte>.Shared.Rent(Utf8Sanitizer.MaxOutputLength(PieceSize));
        try
        {
            while (true)
            {
                int n = await spool.ReadAsync(piece.AsMemory(0, PieceSize), Connection.Lifetime).ConfigureAwait(false);
                bool last = spool.IsComplete;
                if (n == 0 && !last)
                {
                    if (spool.Failure == ReplyFailure.Cancelled) throw new OperationCanceledException(Connection.Lifetime);
                    return spool.Failure;
                }
                if (!IsFinished)
                {
                    // Past the memory bound the text goes to a temporary file: disk writes stay off the socket
                    // engine's threads, where the spool's reply may have been handed on (see SocketCompletions).
                    if (text.Length + n > memoryLimit) await new ThreadPoolHop();
                    int m = sanitizer.Convert(piece.AsSpan(0, n), repaired, final: last);
                    text.Write(repaired.AsSpan(0, m));
                    shape.Feed(repaired.AsSpan(0, m));
                }
                if (last)
                {
                    shape.Finish();
                    return ReplyFailure.None;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
            ArrayPool<byte>.Shared.Return(repaired);
        }
    }

    /// <summary>Writes the final message into <paramref name="json"/>; returns its outcome for metrics.</summary>
    private string WriteReply(SpillBuffer json, SpillBuffer text, SirenTableShape shape)
    {
        bool sirenError = StartsWithCommandFailed(text);
        using var writer = new Utf8JsonWriter(json, V2Replies.WriterOptions);
        if (sirenError) V2Replies.BeginError(writer, Id, V2ErrorCode.SirenError);
        else V2Replies.BeginSql(writer, Id);
        byte[] piece = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            var reader = text.CreateReader();
            int n;
            while ((n = reader.Read(piece.AsSpan(0, PieceSize))) > 0) writer.WriteStringValueSegment(piece.AsSpan(0, n), isFinalSegment: false);
            writer.WriteStringValueSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: true);
            if (sirenError)
            {
                V2Replies.EndError(writer);
                return V2ErrorCode.SirenError;
            }
            if (shape.IsCertain)
            {
                var table = new SirenTableJson(writer);
                reader = text.CreateReader();
                while ((n = reader.Read(piece.AsSpan(0, PieceSize))) > 0) table.Feed(piece.AsSpan(0, n));
                table.Finish();
            }
            V2Replies.EndSql(writer, rowsAmbiguous: !shape.IsCertain);
            return "ok";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    private static bool StartsWithCommandFailed(SpillBuffer text)
    {
        Span<byte> start = stackalloc byte[CommandFailed.Length];
        int n = text.CreateReader().Read(start);
        return start[..n].SequenceEqual(CommandFailed);
    }

    /// <summary>The gateway's failures: the classic texts, each with its code.</summary>
    private static (string Code, string Message) Describe(ReplyFailure failure, TimeSpan sirenTimeout) => failure switch
    {
        ReplyFailure.Unavailable => (V2ErrorCode.SirenUnavailable, System.Text.Encoding.UTF8.GetString(SirenFailureReplies.Unavailable)),
        ReplyFailure.Silent => (V2ErrorCode.SirenTimeout, System.Text.Encoding.UTF8.GetString(SirenFailureReplies.DidNotAnswer(sirenTimeout))),
        ReplyFailure.TooLarge => (V2ErrorCode.TooLarge, SirenFailureReplies.ReplyTooLargeReason),
        _ => (V2ErrorCode.SirenClosed, System.Text.Encoding.UTF8.GetString(SirenFailureReplies.ClosedBeforeReplyComplete)),
    };
}
