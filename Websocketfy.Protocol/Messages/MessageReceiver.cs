namespace Websocketfy.Protocol.Messages;

/// <summary>
/// The receiving half of an RFC 6455 server connection, as a pure state machine: bytes in,
/// events out. Enforces every section 5 rule for client frames (masking, RSV, reserved opcodes,
/// control frames, fragmentation order, incremental UTF-8 of text messages, message size).
/// After a Close or ProtocolError event it returns ProtocolError for any further input.
/// </summary>
public sealed class MessageReceiver
{
    /// <summary>Control frames are only reported whole, so the caller's buffer must hold at least this.</summary>
    public const int MinimumBufferSize = 14 + 125;

    public MessageReceiver(long maxMessageSize) => throw new NotImplementedException();

    /// <summary>Decodes the next event from <paramref name="input"/>, unmasking payload bytes in place.
    /// <paramref name="consumed"/> bytes are done with; the caller keeps input[consumed..] for the next call.</summary>
    public ReceiveEvent Next(Span<byte> input, out int consumed) => throw new NotImplementedException();
}
