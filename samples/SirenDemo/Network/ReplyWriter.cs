using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.SirenDemo.Network;

/// <summary>Writes a reply as SiREN does: the body, then the prompt, in two separate writes.</summary>
internal static class ReplyWriter
{
    public static void Write(IReplySink sink, SirenReply reply)
    {
        if (reply.Body.Length > 0)
        {
            sink.Send(SirenWire.EncodeBody(reply));
        }

        if (reply.WritePrompt)
        {
            sink.Send(SirenWire.Prompt);
        }
    }
}
