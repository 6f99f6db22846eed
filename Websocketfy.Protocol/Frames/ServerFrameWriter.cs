using Websocketfy.Protocol.Messages;

namespace Websocketfy.Protocol.Frames;

/// <summary>Pure builders for the frames the server sends: whole control frames and the header of an
/// unfragmented data message. Server frames are never masked (RFC 6455 section 5.1). For a message
/// sent in pieces of unknown total length, see <see cref="FragmentedMessageFramer"/>.</summary>
public static class ServerFrameWriter
{
    /// <summary>The largest control frame: a 2-byte header and a 125-byte payload.</summary>
    public const int MaxControlFrameLength = 2 + FrameLimits.MaxControlPayloadLength;

    /// <summary>Writes a whole Close, Ping or Pong frame; returns its length (2 + payload).</summary>
    public static int WriteControlFrame(Span<byte> destination, Opcode opcode, ReadOnlySpan<byte> payload)
    {
        if (opcode is not (Opcode.Close or Opcode.Ping or Opcode.Pong))
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Not a control opcode.");
        }
        if (payload.Length > FrameLimits.MaxControlPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, "A control frame payload is at most 125 bytes.");
        }
        int headerLength = FrameHeaderCodec.WriteServerHeader(destination, opcode, fin: true, payload.Length);
        payload.CopyTo(destination[headerLength..]);
        return headerLength + payload.Length;
    }

    /// <summary>The answer to a ping: a pong carrying the ping's payload unchanged (RFC 6455 5.5.3).</summary>
    public static int WritePong(Span<byte> destination, ReadOnlySpan<byte> pingPayload) =>
        WriteControlFrame(destination, Opcode.Pong, pingPayload);

    /// <summary>A keep-alive ping; the payload (at most 125 bytes) comes back in the peer's pong.</summary>
    public static int WritePing(Span<byte> destination, ReadOnlySpan<byte> payload) =>
        WriteControlFrame(destination, Opcode.Ping, payload);

    /// <summary>A close frame with a status and a reason truncated to fit (see <see cref="CloseStatus.WritePayload"/>).</summary>
    public static int WriteClose(Span<byte> destination, ushort status, string reason)
    {
        Span<byte> payload = stackalloc byte[CloseStatus.MaxPayloadLength];
        int payloadLength = CloseStatus.WritePayload(payload, status, reason);
        return WriteControlFrame(destination, Opcode.Close, payload[..payloadLength]);
    }

    /// <summary>A close frame without status: the answer to a peer's empty close.</summary>
    public static int WriteEmptyClose(Span<byte> destination) =>
        WriteControlFrame(destination, Opcode.Close, []);

    /// <summary>The header of a whole message in one frame (FIN=1); the payload follows it unchanged.</summary>
    public static int WriteMessageHeader(Span<byte> destination, Opcode messageOpcode, long payloadLength)
    {
        FragmentedMessageFramer.ThrowIfNotData(messageOpcode);
        return FrameHeaderCodec.WriteServerHeader(destination, messageOpcode, fin: true, payloadLength);
    }
}
