namespace Websocketfy.Protocol.Frames;

/// <summary>
/// Writes the frame headers of one outgoing data message sent in pieces, for when the total length is
/// not known before the first bytes go out (a SiREN reply still arriving, a file read in chunks).
/// </summary>
/// <remarks>
/// How to stream a message of unknown length (RFC 6455 section 5.4):
/// <list type="number">
/// <item>Create one framer per message: <c>var framer = new FragmentedMessageFramer(Opcode.Text);</c></item>
/// <item>For each chunk that is ready, write <c>framer.WriteFragmentHeader(buffer, chunk.Length, isFinal: false)</c>
/// followed by the chunk's bytes. The first such frame carries the message opcode (Text or Binary) with
/// FIN=0, every later one the Continuation opcode.</item>
/// <item>Control frames (pong, ping, close) may be sent between two fragments, never inside one: finish
/// writing a fragment's payload before writing a control frame. A data frame of another message may not
/// be sent until this one is finished.</item>
/// <item>When the end is known, write a last header with <c>isFinal: true</c>. If the last chunk was
/// already sent, the final frame may be empty (<c>payloadLength: 0</c>, the two bytes 0x80 0x00).
/// If the whole message fits the first call, <c>isFinal: true</c> there gives an ordinary single frame.</item>
/// </list>
/// Text fragments may split a code point: the peer validates UTF-8 across the whole message,
/// but the message as a whole must be valid UTF-8.
/// </remarks>
public struct FragmentedMessageFramer
{
    private readonly Opcode _messageOpcode;
    private bool _started;
    private bool _finished;

    public FragmentedMessageFramer(Opcode messageOpcode)
    {
        ThrowIfNotData(messageOpcode);
        _messageOpcode = messageOpcode;
    }

    /// <summary>The final frame's header has been written; the framer cannot be used further.</summary>
    public readonly bool IsFinished => _finished;

    /// <summary>Writes the header of the next fragment; returns its length (2, 4 or 10).</summary>
    public int WriteFragmentHeader(Span<byte> destination, long payloadLength, bool isFinal)
    {
        if (_messageOpcode == Opcode.Continuation)
        {
            throw new InvalidOperationException("The framer was not created with a message opcode.");
        }
        if (_finished)
        {
            throw new InvalidOperationException("The message's final frame was already written.");
        }
        Opcode opcode = _started ? Opcode.Continuation : _messageOpcode;
        int length = FrameHeaderCodec.WriteServerHeader(destination, opcode, isFinal, payloadLength);
        _started = true;
        _finished = isFinal;
        return length;
    }

    internal static void ThrowIfNotData(Opcode opcode)
    {
        if (opcode is not (Opcode.Text or Opcode.Binary))
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "A data message is Text or Binary.");
        }
    }
}
