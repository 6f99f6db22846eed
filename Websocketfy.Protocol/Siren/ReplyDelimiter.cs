namespace Websocketfy.Protocol.Siren;

/// <summary>
/// Finds the end of a SiREN reply in a stream of socket reads and releases body bytes as early as
/// possible: a reply ends when one read leaves the received bytes ending with the prompt; between
/// reads only the longest tail that could be the start of the prompt is held back (at most 11 bytes).
/// </summary>
public sealed class ReplyDelimiter
{
    /// <summary>Bytes <see cref="Feed"/> may write beyond the read's own length.</summary>
    public const int MaxHeldBack = SirenPrompt.Length - 1;

    /// <summary>Feeds one socket read. Writes the body bytes that are now certain to
    /// <paramref name="body"/> (which must hold read.Length + MaxHeldBack bytes) and returns their count.
    /// <paramref name="complete"/> is true when the reply ended with this read (the prompt is not written).</summary>
    public int Feed(ReadOnlySpan<byte> read, Span<byte> body, out bool complete) => throw new NotImplementedException();

    /// <summary>Forget held bytes, ready for the next reply.</summary>
    public void Reset() => throw new NotImplementedException();
}
