namespace Websocketfy.Protocol.Messages;

/// <summary>Incremental UTF-8 validation (RFC 3629): fails as soon as a sequence is certainly invalid,
/// accepts a code point split across calls.</summary>
public struct Utf8Validator
{
    /// <summary>False as soon as the bytes so far cannot start valid UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> bytes) => throw new NotImplementedException();

    /// <summary>True when the bytes so far end on a complete code point (call at end of message).</summary>
    public readonly bool IsComplete => throw new NotImplementedException();

    public void Reset() => throw new NotImplementedException();
}
