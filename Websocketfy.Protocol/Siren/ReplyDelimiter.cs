namespace Websocketfy.Protocol.Siren;

/// <summary>
/// Finds the end of a SiREN reply in a stream of socket reads and releases body bytes as early as
/// possible: a reply ends when one read leaves the received bytes ending with the prompt; between
/// reads only the longest tail that could be the start of the prompt is held back (at most 11 bytes).
/// </summary>
/// <remarks>
/// The rule is SiREN's own framing (PROTOCOL.md section 2): the end is judged only where a read ends.
/// Prompt text inside a read is body; prompt text that happens to end a read ends the reply, even if
/// SiREN meant it as a value. That ambiguity is the protocol's and is accepted.
/// </remarks>
public sealed class ReplyDelimiter
{
    /// <summary>Bytes <see cref="Feed"/> may write beyond the read's own length.</summary>
    public const int MaxHeldBack = SirenPrompt.Length - 1;

    private readonly byte[] _held = new byte[MaxHeldBack];
    private int _heldCount;

    /// <summary>Feeds one socket read. Writes the body bytes that are now certain to
    /// <paramref name="body"/> (which must hold read.Length + MaxHeldBack bytes) and returns their count.
    /// <paramref name="complete"/> is true when the reply ended with this read (the prompt is not written).</summary>
    /// <remarks><paramref name="read"/> may lie inside <paramref name="body"/> at offset
    /// <see cref="MaxHeldBack"/>, so a caller can receive straight into its body buffer.</remarks>
    public int Feed(ReadOnlySpan<byte> read, Span<byte> body, out bool complete)
    {
        if (body.Length < read.Length + MaxHeldBack)
        {
            throw new ArgumentException($"The body buffer must hold the read's length plus {MaxHeldBack} bytes.", nameof(body));
        }

        // Held bytes go first, then the read: body now holds every byte received since the last
        // certain release, in order. Held bytes land before offset MaxHeldBack, so a read placed there
        // is not overwritten before it is moved (Span.CopyTo is overlap-safe).
        int received = _heldCount + read.Length;
        _held.AsSpan(0, _heldCount).CopyTo(body);
        read.CopyTo(body[_heldCount..]);
        Span<byte> pending = body[..received];

        if (pending.EndsWith(SirenPrompt.Bytes))
        {
            _heldCount = 0;
            complete = true;
            return received - SirenPrompt.Length;
        }

        int hold = PromptStartLength(pending);
        pending[(received - hold)..].CopyTo(_held);
        _heldCount = hold;
        complete = false;
        return received - hold;
    }

    /// <summary>Forget held bytes, ready for the next reply.</summary>
    public void Reset() => _heldCount = 0;

    /// <summary>Length of the longest tail of <paramref name="bytes"/> that is a proper prefix of the
    /// prompt: the bytes that the next read may turn into the prompt.</summary>
    private static int PromptStartLength(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> prompt = SirenPrompt.Bytes;
        for (int length = Math.Min(MaxHeldBack, bytes.Length); length > 0; length--)
        {
            ReadOnlySpan<byte> tail = bytes[^length..];
            if (tail[0] == prompt[0] && tail.SequenceEqual(prompt[..length]))
            {
                return length;
            }
        }

        return 0;
    }
}
