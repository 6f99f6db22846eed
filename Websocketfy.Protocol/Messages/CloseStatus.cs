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

    /// <summary>Valid in a received close frame: 1000-1003, 1007-1014, 3000-4999.</summary>
    public static bool IsValidOnWire(ushort code) => throw new NotImplementedException();

    /// <summary>Writes a close payload (2-byte status, then UTF-8 reason truncated on a character
    /// boundary to fit 125 bytes); returns its length.</summary>
    public static int WritePayload(Span<byte> destination, ushort code, string reason) => throw new NotImplementedException();
}
