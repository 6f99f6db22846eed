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
    public static bool Write(SirenFault fault, IReplySink sink, SirenReply reply, SirenPeerOptions options, CancellationToken stopping)
    {
        switch (fault)
        {
            case SirenFault.SlowBytes:
                ReplyWriter.Write(new SlowByteSink(sink, options.SlowByteDelay, stopping), reply);
                return false;
            case SirenFault.CloseMidReply:
                WritePrefix(sink, reply, options.CloseMidReplyAfterBytes);
                return true;
            default:
                ReplyWriter.Write(sink, reply);
                return false;
        }
    }

    // A strict prefix of what the faithful reply would have been, never all of it.
    private static void WritePrefix(IReplySink sink, SirenReply reply, int requested)
    {
        byte[] body = SirenWire.EncodeBody(reply);
        byte[] whole = reply.WritePrompt ? [.. body, .. SirenWire.Prompt] : body;
        if (whole.Length < 2)
        {
            return;
        }

        int cut = requested > 0 ? Math.Min(requested, whole.Length - 1) : whole.Length / 2;
        sink.Send(whole.AsSpan(0, cut));
    }
}
