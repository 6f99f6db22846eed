namespace Websocketfy.Protocol.Frames;

/// <summary>One decoded frame header (RFC 6455 section 5.2).</summary>
public readonly record struct FrameHeader(
    bool Fin, byte Rsv, Opcode Opcode, bool Masked, long PayloadLength, int MaskKey, int HeaderLength);

public enum FrameHeaderStatus { NeedMoreData, Ok, Invalid }

/// <summary>Pure parse/encode of frame headers.</summary>
public static class FrameHeaderCodec
{
    /// <summary>The longest header: 2 + 8 (64-bit length) + 4 (mask).</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>Decodes the header at the start of <paramref name="source"/>. Invalid only for
    /// encoding errors (64-bit length with top bit set, non-minimal length is allowed);
    /// policy rules (masking, RSV, opcodes, control-frame limits) are the message layer's.</summary>
    public static FrameHeaderStatus TryParse(ReadOnlySpan<byte> source, out FrameHeader header, out string? error) => throw new NotImplementedException();

    /// <summary>Writes an unmasked server frame header with the minimal length encoding; returns its length.</summary>
    public static int WriteServerHeader(Span<byte> destination, Opcode opcode, bool fin, long payloadLength) => throw new NotImplementedException();
}
