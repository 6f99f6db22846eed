using System.Text.Unicode;

namespace Websocketfy.Protocol.Messages;

/// <summary>Incremental UTF-8 validation (RFC 3629): fails as soon as a sequence is certainly invalid,
/// accepts a code point split across calls.</summary>
/// <remarks>
/// Whole code points in the middle of a chunk go to the BCL's vectorised <see cref="Utf8.IsValid"/>;
/// only the bytes around a chunk boundary (a code point begun in the previous chunk, or one left open
/// at the end of this chunk) walk the small DFA below, one byte at a time. The DFA's states are
/// "what the next byte must be", so it rejects on the first byte that rules out every valid
/// continuation (E0 80, ED A0, F4 90 are rejected without waiting for the rest).
/// The default value is a validator at the start of a message.
/// </remarks>
public struct Utf8Validator
{
    // DFA states: which bytes may come next.
    private const byte Accept = 0;       // between code points
    private const byte Reject = 1;       // invalid, for good
    private const byte Need1 = 2;        // one more 80-BF
    private const byte Need2 = 3;        // two more 80-BF
    private const byte Need3 = 4;        // three more 80-BF
    private const byte AfterE0 = 5;      // A0-BF then one more: rules out overlong 3-byte forms
    private const byte AfterED = 6;      // 80-9F then one more: rules out surrogates D800-DFFF
    private const byte AfterF0 = 7;      // 90-BF then two more: rules out overlong 4-byte forms
    private const byte AfterF4 = 8;      // 80-8F then two more: rules out code points above 10FFFF

    private const int ClassCount = 12;

    private byte _state;

    /// <summary>False as soon as the bytes so far cannot start valid UTF-8.</summary>
    public bool Append(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (_state != Accept)
        {
            if (_state == Reject)
            {
                return false;
            }
            if (i == bytes.Length)
            {
                return true;
            }
            _state = Step(_state, bytes[i++]);
        }

        ReadOnlySpan<byte> rest = bytes[i..];
        int openTail = StartOfOpenSequence(rest);
        if (!Utf8.IsValid(rest[..openTail]))
        {
            _state = Reject;
            return false;
        }
        foreach (byte b in rest[openTail..])
        {
            _state = Step(_state, b);
        }
        return _state != Reject;
    }

    /// <summary>True when the bytes so far end on a complete code point (call at end of message).</summary>
    public readonly bool IsComplete => _state == Accept;

    public void Reset() => _state = Accept;

    /// <summary>Where a multi-byte sequence that the chunk's end cuts short begins, or the chunk's
    /// length when none is cut. Only the last three bytes can belong to such a sequence.</summary>
    private static int StartOfOpenSequence(ReadOnlySpan<byte> chunk)
    {
        int length = chunk.Length;
        for (int back = 1; back <= 3 && back <= length; back++)
        {
            byte b = chunk[length - back];
            if (b < 0x80)
            {
                return length;
            }
            if (b >= 0xC0)
            {
                int sequenceLength = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return back < sequenceLength ? length - back : length;
            }
        }
        return length;
    }

    private static byte Step(byte state, byte b)
    {
        int byteClass = b < 0x80 ? 0 : NonAsciiClasses[b - 0x80];
        return Transitions[state * ClassCount + byteClass];
    }

    // Byte classes: 0 ASCII, 1 80-8F, 2 90-9F, 3 A0-BF, 4 never valid (C0 C1 F5-FF), 5 C2-DF,
    // 6 E0, 7 E1-EC EE-EF, 8 ED, 9 F0, 10 F1-F3, 11 F4.
    private static ReadOnlySpan<byte> NonAsciiClasses =>
    [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 80-8F
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, // 90-9F
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, // A0-AF
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, // B0-BF
        4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, // C0-CF
        5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, // D0-DF
        6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 7, // E0-EF
        9, 10, 10, 10, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, // F0-FF
    ];

    // Next state by [state * ClassCount + class]. Columns follow the byte classes above.
    private static ReadOnlySpan<byte> Transitions =>
    [
        //  asc 80  90  A0  bad C2  E0  E1  ED  F0  F1  F4
            0,  1,  1,  1,  1,  2,  5,  3,  6,  7,  4,  8, // Accept
            1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, // Reject
            1,  0,  0,  0,  1,  1,  1,  1,  1,  1,  1,  1, // Need1
            1,  2,  2,  2,  1,  1,  1,  1,  1,  1,  1,  1, // Need2
            1,  3,  3,  3,  1,  1,  1,  1,  1,  1,  1,  1, // Need3
            1,  1,  1,  2,  1,  1,  1,  1,  1,  1,  1,  1, // AfterE0
            1,  2,  2,  1,  1,  1,  1,  1,  1,  1,  1,  1, // AfterED
            1,  1,  3,  3,  1,  1,  1,  1,  1,  1,  1,  1, // AfterF0
            1,  3,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, // AfterF4
    ];
}
