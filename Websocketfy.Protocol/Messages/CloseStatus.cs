using System.Buffers.Binary;
using System.Text.Unicode;

namespace Websocketfy.Protocol.Messages;

/// <summary>Close status codes (RFC 6455 section 7.4) and the rule for which a peer may send.</summary>
public static class CloseStatus
{
    public const ushort Normal = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    public const ushort NoStatusReceived = 1005; // never on the wire
    public const ushort InvalidPayload = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort InternalError = 1011;

    /// <summary>A close payload is a control-frame payload: at most 125 bytes.</summary>
    public const int MaxPayloadLength = 125;

    /// <summary>Room left for the reason after the 2-byte status.</summary>
    public const int MaxReasonLength = MaxPayloadLength - 2;

    /// <summary>Valid in a received close frame: 1000-1003, 1007-1014, 3000-4999.</summary>
    /// <remarks>1004 is reserved, 1005/1006/1015 are for local reporting only (never sent),
    /// below 1000 and 1016-2999 are unassigned or reserved for future RFCs, 5000 and up do not exist.</remarks>
    public static bool IsValidOnWire(ushort code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };

    /// <summary>Writes a close payload (2-byte status, then UTF-8 reason truncated on a character
    /// boundary to fit 125 bytes); returns its length.</summary>
    /// <remarks>Lone surrogates in <paramref name="reason"/> become U+FFFD, so the payload is always
    /// valid UTF-8 (a peer fails the connection with 1007 otherwise). A destination shorter than
    /// 125 bytes truncates the reason further.</remarks>
    public static int WritePayload(Span<byte> destination, ushort code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        BinaryPrimitives.WriteUInt16BigEndian(destination, code);
        Span<byte> reasonRoom = destination[2..Math.Min(destination.Length, MaxPayloadLength)];
        // With replacement on, FromUtf16 ends in Done or DestinationTooSmall, and it writes whole
        // scalars only, so stopping short is exactly truncation on a code point boundary.
        Utf8.FromUtf16(reason, reasonRoom, out _, out int written, replaceInvalidSequences: true);
        return 2 + written;
    }
}
