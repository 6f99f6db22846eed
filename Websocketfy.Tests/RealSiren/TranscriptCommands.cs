using Websocketfy.Protocol.Siren;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.RealSiren;

/// <summary>One command of a recorded SiREN exchange and what a WebSocket client of the daemon must get
/// for it: the reply message (null when the answer is the close 1000 of a QUIT).</summary>
internal sealed record RecordedCommand(byte[] Command, byte[]? Reply)
{
    public bool IsQuit => Reply is null;
}

/// <summary>
/// Reads the commands of a wire transcript and turns SiREN's recorded answer to each into the daemon's
/// answer, by PROTOCOL.md section 1: the bytes before the prompt; an empty message for a blank
/// command (SiREN's bare <c>\n</c>); a close with 1000 for QUIT (SiREN's end of the connection).
/// </summary>
internal static class TranscriptCommands
{
    public static IReadOnlyList<RecordedCommand> Read(Transcript transcript)
    {
        var commands = new List<RecordedCommand>();
        byte[]? command = null;
        var answer = new List<byte>();
        bool closed = false;

        void Finish()
        {
            if (command is null) return;
            commands.Add(new RecordedCommand(command, closed ? null : ReplyFor(transcript, command, [.. answer])));
            command = null;
            answer.Clear();
            closed = false;
        }

        foreach (TranscriptEvent ev in transcript.Events)
        {
            switch (ev.Kind)
            {
                case TranscriptEventKind.ClientSend:
                    Finish();
                    command = ev.Bytes;
                    break;
                case TranscriptEventKind.ServerChunk when command is not null:
                    answer.AddRange(ev.Bytes);
                    break;
                case TranscriptEventKind.ServerEof:
                    closed = true;
                    break;
                case TranscriptEventKind.ClientClose:
                    Finish();
                    break;
            }
        }
        Finish();
        return commands;
    }

    private static byte[] ReplyFor(Transcript transcript, byte[] command, byte[] answer)
    {
        if (answer.AsSpan().EndsWith(SirenPrompt.Bytes)) return answer[..^SirenPrompt.Length];
        if (answer.AsSpan().SequenceEqual("\n"u8)) return [];
        throw new FormatException($"{transcript.Name}: SiREN's answer to {RawSirenClient.Printable(System.Text.Encoding.Latin1.GetString(command))} " +
                                  "ends neither with the prompt nor as a blank command's bare newline");
    }
}
