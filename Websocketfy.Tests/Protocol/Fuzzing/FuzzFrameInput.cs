namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>A rule the generator breaks on purpose at the end of a stream, and the close status it must earn.</summary>
internal enum FrameViolation
{
    None,
    Unmasked,
    RsvSet,
    ReservedOpcode,
    FragmentedControl,
    ControlTooLong,
    ContinuationWithoutMessage,
    DataInsideFragmentedMessage,
    MessageTooBig,
    LengthTopBitSet,
    InvalidUtf8,
    CloseOneByte,
    CloseStatusInvalid,
    CloseReasonInvalidUtf8,
}

/// <summary>One frame-layer fuzz case: the client's byte stream, the receiver's message limit, the
/// daemon-like receive buffer and read sizes, and (for streams not mutated byte-wise) the events expected.</summary>
/// <param name="OpenRule">How the message left open by a violation compares with the expected one.</param>
internal sealed record FrameFuzzInput(
    byte[] Stream, long MaxMessageSize, int BufferSize, ulong ReadSeed,
    FrameEventLog? Expected, OpenMessageRule OpenRule, string Origin)
{
    public string Parameters =>
        $"maxMessageSize={MaxMessageSize}, bufferSize={BufferSize}, readSeed={ReadSeed}, from={Origin}, " +
        $"expected={Expected?.ToString() ?? "(mutated: contract only)"}";
}
