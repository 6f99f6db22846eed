namespace Websocketfy.Protocol.Siren;

/// <summary>The prompt that SiREN writes on connect and after every reply (PROTOCOL.md section 2).</summary>
public static class SirenPrompt
{
    /// <summary>"Siren::SQL> ": 12 bytes, no newline.</summary>
    public static ReadOnlySpan<byte> Bytes => "Siren::SQL> "u8;
    public const int Length = 12;
}
