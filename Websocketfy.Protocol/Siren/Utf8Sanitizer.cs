namespace Websocketfy.Protocol.Siren;

/// <summary>
/// Streaming UTF-8 repair for text replies: valid bytes pass unchanged, every maximal invalid
/// subsequence becomes one U+FFFD exactly as .NET's UTF8Encoding decoder does. A sequence split
/// across calls is carried (at most 3 bytes).
/// </summary>
public sealed class Utf8Sanitizer
{
    /// <summary>Worst case output size for an input of n bytes (carry included).</summary>
    public static int MaxOutputLength(int inputLength) => (inputLength + 3) * 3;

    /// <summary>Converts <paramref name="input"/>; when <paramref name="final"/>, a carried incomplete
    /// sequence is flushed as U+FFFD. Returns bytes written to <paramref name="output"/>.</summary>
    public int Convert(ReadOnlySpan<byte> input, Span<byte> output, bool final) => throw new NotImplementedException();

    public void Reset() => throw new NotImplementedException();
}
