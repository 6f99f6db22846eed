using System.Buffers.Binary;

namespace Websocketfy.Protocol.Frames;

/// <summary>One decoded frame header (RFC 6455 section 5.2).</summary>
/// <remarks><see cref="MaskKey"/> holds the four masking-key bytes in wire order read as a
/// little-endian integer: key byte i is <c>(byte)(MaskKey &gt;&gt; (8 * i))</c>. This is the form
/// <see cref="Masking.Apply"/> expects. <see cref="Opcode"/> may hold a reserved value (3-7, 0xB-0xF);
/// the message layer rejects those.</remarks>
public readonly record struct FrameHeader(
    bool Fin, byte Rsv, Opcode Opcode, bool Masked, long PayloadLength, int MaskKey, int HeaderLength)
{
    /// <summary>Close, Ping, Pong and the reserved 0xB-0xF: opcodes with the high bit set.</summary>
    public bool IsControl => ((byte)Opcode & 0x8) != 0;
}

public enum FrameHeaderStatus { NeedMoreData, Ok, Invalid }

/// <summary>Pure parse/encode of frame headers.</summary>
public static class FrameHeaderCodec
{
    /// <summary>The longest header: 2 + 8 (64-bit length) + 4 (mask).</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>The longest unmasked (server) header: 2 + 8 (64-bit length).</summary>
    public const int MaxServerHeaderLength = 10;

    /// <summary>The largest payload that fits the 7-bit length field.</summary>
    public const int MaxSevenBitLength = 125;

    public const string TopBitSetError = "64-bit payload length has its most significant bit set";

    private const byte FinBit = 0x80;
    private const byte MaskBit = 0x80;
    private const byte SixteenBitMarker = 126;
    private const byte SixtyFourBitMarker = 127;

    /// <summary>Decodes the header at the start of <paramref name="source"/>. Invalid only for
    /// encoding errors (64-bit length with top bit set, non-minimal length is allowed);
    /// policy rules (masking, RSV, opcodes, control-frame limits) are the message layer's.</summary>
    public static FrameHeaderStatus TryParse(ReadOnlySpan<byte> source, out FrameHeader header, out string? error)
    {
        header = default;
        error = null;
        if (source.Length < 2)
        {
            return FrameHeaderStatus.NeedMoreData;
        }

        byte first = source[0];
        byte second = source[1];
        bool masked = (second & MaskBit) != 0;
        byte lengthField = (byte)(second & 0x7F);

        int lengthBytes = lengthField switch
        {
            SixteenBitMarker => 2,
            SixtyFourBitMarker => 8,
            _ => 0,
        };
        int headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        if (source.Length < headerLength)
        {
            return FrameHeaderStatus.NeedMoreData;
        }

        long payloadLength;
        if (lengthBytes == 0)
        {
            payloadLength = lengthField;
        }
        else if (lengthBytes == 2)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(source.Slice(2, 2));
        }
        else
        {
            ulong wide = BinaryPrimitives.ReadUInt64BigEndian(source.Slice(2, 8));
            // RFC 6455 5.2: "the most significant bit MUST be 0"; it also keeps the length a valid long.
            if (wide > long.MaxValue)
            {
                error = TopBitSetError;
                return FrameHeaderStatus.Invalid;
            }
            payloadLength = (long)wide;
        }

        int maskKey = masked ? BinaryPrimitives.ReadInt32LittleEndian(source.Slice(2 + lengthBytes, 4)) : 0;
        header = new FrameHeader(
            Fin: (first & FinBit) != 0,
            Rsv: (byte)((first >> 4) & 0x7),
            Opcode: (Opcode)(first & 0x0F),
            Masked: masked,
            PayloadLength: payloadLength,
            MaskKey: maskKey,
            HeaderLength: headerLength);
        return FrameHeaderStatus.Ok;
    }

    /// <summary>Writes an unmasked server frame header with the minimal length encoding; returns its length.</summary>
    public static int WriteServerHeader(Span<byte> destination, Opcode opcode, bool fin, long payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        int length = ServerHeaderLength(payloadLength);
        if (destination.Length < length)
        {
            throw new ArgumentException($"A {length}-byte header does not fit in {destination.Length} bytes.", nameof(destination));
        }

        destination[0] = (byte)((fin ? FinBit : 0) | ((byte)opcode & 0x0F));
        if (payloadLength <= MaxSevenBitLength)
        {
            destination[1] = (byte)payloadLength;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = SixteenBitMarker;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2, 2), (ushort)payloadLength);
        }
        else
        {
            destination[1] = SixtyFourBitMarker;
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(2, 8), (ulong)payloadLength);
        }
        return length;
    }

    /// <summary>The size <see cref="WriteServerHeader"/> needs for a payload of this length: 2, 4 or 10.</summary>
    public static int ServerHeaderLength(long payloadLength) => payloadLength switch
    {
        <= MaxSevenBitLength => 2,
        <= ushort.MaxValue => 4,
        _ => MaxServerHeaderLength,
    };
}
