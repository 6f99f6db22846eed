namespace Websocketfy.Protocol.Frames;

/// <summary>XOR masking of payload bytes (RFC 6455 section 5.3), vectorised.</summary>
public static class Masking
{
    /// <summary>Unmasks (or masks) <paramref name="data"/> in place. <paramref name="payloadOffset"/> is the
    /// position of data[0] within the frame payload, so a payload can be unmasked in pieces.</summary>
    public static void Apply(Span<byte> data, int maskKey, long payloadOffset) => throw new NotImplementedException();
}
