using Websocketfy.SirenDemo.Network;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.SirenDemo.Faults;

/// <summary>How each fault mode bends the faithful behaviour; kept apart so the serving loop reads straight.</summary>
internal static class FaultyReplies
{
    public static bool Greets(SirenFault fault) => fault != SirenFault.NoGreeting;

    /// <summary>Whether commands get any reaction at all (QUIT included).</summary>
    public static bool Answers(SirenFault fault) => fault is not (SirenFault.NoGreeting or SirenFault.NeverAnswer);

    /// <summary>Writes <paramref name="reply"/> as the fault mode dictates.</summary>
    /// <returns>Whether the connection must be closed afterwards.</returns>
    public static bool Write(SirenFault fault, IReplySink sink, SirenReply reply, SirenPeerOptions options, SemaphoreSlim release,
                             CancellationToken stopping)
    {
        switch (fault)
        {
            case SirenFault.SlowBytes:
                ReplyWriter.Write(new SlowByteSink(sink, options.SlowByteDelay, stopping), reply);
                return false;
            case SirenFault.CloseMidReply:
                WritePrefix(sink, reply, options.CloseMidReplyAfterBytes);
                return true;
            case SirenFault.HoldMidReply:
                WriteHeld(sink, reply, options.HoldMidReplyAfterBytes, release, stopping);
                return false;
            default:
                ReplyWriter.Write(sink, reply);
                return false;
        }
    }

    // A strict prefix of what the faithful reply would have been, never all of it.
    private static void WritePrefix(IReplySink sink, SirenReply reply, int requested)
    {
        byte[] whole = Whole(reply);
        if (whole.Length < 2)
        {
            return;
        }

        int cut = requested > 0 ? Math.Min(requested, whole.Length - 1) : whole.Length / 2;
        sink.Send(whole.AsSpan(0, cut));
    }

    // The whole reply in two writes, the second once the test releases it (or the server stops).
    private static void WriteHeld(IReplySink sink, SirenReply reply, int requested, SemaphoreSlim release, CancellationToken stopping)
    {
        byte[] whole = Whole(reply);
        int cut = Math.Clamp(requested, 0, whole.Length);
        sink.Send(whole.AsSpan(0, cut));
        try
        {
            release.Wait(stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        sink.Send(whole.AsSpan(cut));
    }

    private static byte[] Whole(SirenReply reply)
    {
        byte[] body = SirenWire.EncodeBody(reply);
        return reply.WritePrompt ? [.. body, .. SirenWire.Prompt] : body;
    }
}
