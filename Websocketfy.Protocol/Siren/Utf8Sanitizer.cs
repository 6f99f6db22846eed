using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;

namespace Websocketfy.Protocol.Siren;

/// <summary>
/// Streaming UTF-8 repair for text replies: valid bytes pass unchanged, every maximal invalid
/// subsequence becomes one U+FFFD exactly as .NET's UTF8Encoding decoder does. A sequence split
/// across calls is carried (at most 3 bytes).
/// </summary>
/// <remarks>
/// The result for a stream equals Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(whole stream)) however
/// the stream is split. Rune.DecodeFromUtf8 is the arbiter of what a maximal invalid subsequence is;
/// it is the same rule .NET's decoder applies (Unicode's "substitution of maximal subparts").
/// </remarks>
public sealed class Utf8Sanitizer
{
    private const int MaxCarry = 3;
    private const int MaxSequenceLength = 4;

    private readonly byte[] _carry = new byte[MaxCarry];
    private int _carryCount;

    private static ReadOnlySpan<byte> Replacement => "\uFFFD"u8;

    /// <summary>Worst case output size for an input of n bytes (carry included).</summary>
    public static int MaxOutputLength(int inputLength) => (inputLength + 3) * 3;

    /// <summary>Converts <paramref name="input"/>; when <paramref name="final"/>, a carried incomplete
    /// sequence is flushed as U+FFFD. Returns bytes written to <paramref name="output"/>.</summary>
    public int Convert(ReadOnlySpan<byte> input, Span<byte> output, bool final)
    {
        // Demanding the worst case up front makes a too small buffer fail on every call, not only on
        // the rare reply that happens to hold many invalid bytes.
        if (output.Length < MaxOutputLength(input.Length))
        {
            throw new ArgumentException("The output buffer must hold MaxOutputLength(input.Length) bytes.", nameof(output));
        }

        int written = 0;
        if (_carryCount > 0)
        {
            input = input[CompleteCarry(input, output, ref written, final)..];
            if (_carryCount > 0)
            {
                return written;
            }
        }

        while (!input.IsEmpty)
        {
            written += CopyValidPrefix(ref input, output[written..]);
            written += RepairFirstFault(ref input, output[written..], final);
        }

        return written;
    }

    public void Reset() => _carryCount = 0;

    /// <summary>Finishes the carried sequence with the first bytes of <paramref name="input"/>;
    /// returns how many input bytes it used. Leaves a carry only when the input ran out first.</summary>
    private int CompleteCarry(ReadOnlySpan<byte> input, Span<byte> output, ref int written, bool final)
    {
        Span<byte> joined = stackalloc byte[MaxSequenceLength];
        int carried = _carryCount;
        _carry.AsSpan(0, carried).CopyTo(joined);
        int taken = Math.Min(MaxSequenceLength - carried, input.Length);
        input[..taken].CopyTo(joined[carried..]);
        joined = joined[..(carried + taken)];

        switch (Rune.DecodeFromUtf8(joined, out _, out int consumed))
        {
            case OperationStatus.Done:
                joined[..consumed].CopyTo(output[written..]);
                written += consumed;
                break;

            case OperationStatus.NeedMoreData:
                // Four bytes always decide, so the input is used up and still leaves a valid prefix.
                Debug.Assert(taken == input.Length && joined.Length <= MaxCarry);
                if (final)
                {
                    written += WriteReplacement(output[written..]);
                    _carryCount = 0;
                }
                else
                {
                    joined.CopyTo(_carry);
                    _carryCount = joined.Length;
                }

                return taken;

            default:
                // The carry was a valid prefix, so the maximal invalid subsequence is at least the
                // carry; bytes after it belong to whatever comes next.
                Debug.Assert(consumed >= carried);
                written += WriteReplacement(output[written..]);
                break;
        }

        _carryCount = 0;
        return consumed - carried;
    }

    /// <summary>Fast path: copies all of <paramref name="input"/> but a sequence cut at its end when that
    /// much is valid UTF-8, which is what nearly every read is. A valid prefix ends on a code point
    /// boundary, so it is safe to copy apart from what follows. Returns the bytes copied (0 or all).</summary>
    /// <remarks>Utf8.IsValid stops at the first invalid byte, so a failed try costs no more than the
    /// slow path's own walk to that byte: retrying after every fault keeps the whole conversion linear.</remarks>
    private static int CopyValidPrefix(ref ReadOnlySpan<byte> input, Span<byte> output)
    {
        int validEnd = input.Length - IncompleteTailLength(input);
        if (!Utf8.IsValid(input[..validEnd]))
        {
            return 0;
        }

        input[..validEnd].CopyTo(output);
        input = input[validEnd..];
        return validEnd;
    }

    /// <summary>Slow path: copies valid code points up to and including the replacement of the first
    /// invalid subsequence, then returns so the fast path can try the rest. An incomplete but so far
    /// valid sequence at the end is carried (or, when final, replaced).</summary>
    private int RepairFirstFault(ref ReadOnlySpan<byte> input, Span<byte> output, bool final)
    {
        int written = 0;
        while (!input.IsEmpty)
        {
            // Text is mostly ASCII: copy runs of it without decoding them.
            int ascii = input.IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F);
            if (ascii < 0)
            {
                ascii = input.Length;
            }

            input[..ascii].CopyTo(output[written..]);
            written += ascii;
            input = input[ascii..];
            if (input.IsEmpty)
            {
                break;
            }

            OperationStatus status = Rune.DecodeFromUtf8(input, out _, out int consumed);
            if (status == OperationStatus.Done)
            {
                input[..consumed].CopyTo(output[written..]);
                written += consumed;
                input = input[consumed..];
                continue;
            }

            if (status == OperationStatus.NeedMoreData && !final)
            {
                // Only a valid but unfinished sequence reaching the end of the input needs more data.
                Debug.Assert(consumed == input.Length && consumed <= MaxCarry);
                input.CopyTo(_carry);
                _carryCount = input.Length;
            }
            else
            {
                written += WriteReplacement(output[written..]);
            }

            input = input[consumed..];
            break;
        }

        return written;
    }

    /// <summary>Length of a tail that starts a multi-byte sequence too long to fit in what is left
    /// (0 when the input ends on a boundary). Only narrows the fast path; Repair decides validity.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> input)
    {
        for (int back = 1; back <= Math.Min(MaxCarry, input.Length); back++)
        {
            byte b = input[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            int sequenceLength = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return sequenceLength > back ? back : 0;
        }

        return 0;
    }

    private static int WriteReplacement(Span<byte> output)
    {
        Replacement.CopyTo(output);
        return Replacement.Length;
    }
}
