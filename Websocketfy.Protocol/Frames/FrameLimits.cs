namespace Websocketfy.Protocol.Frames;

/// <summary>Size limits fixed by RFC 6455 itself (configurable limits live with their users).</summary>
public static class FrameLimits
{
    /// <summary>Section 5.5: "All control frames MUST have a payload length of 125 bytes or less".</summary>
    public const int MaxControlPayloadLength = 125;
}
