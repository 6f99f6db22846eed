namespace Websocketfy.Tests.Protocol.Fuzzing;

internal enum HeadShape
{
    /// <summary>A blank line after a request line ends the head.</summary>
    Ended,
    /// <summary>A CR followed by something other than LF comes first: the head is malformed there.</summary>
    BareCarriageReturn,
    /// <summary>Neither within the bytes given.</summary>
    Open,
}

/// <param name="Position">Ended: the head's length, its blank line included. BareCarriageReturn: the
/// count of bytes up to and including the byte after the CR. Open: the input length.</param>
/// <param name="FieldLines">Ended: the number of non-empty lines after the request line.</param>
internal readonly record struct HeadOutline(HeadShape Shape, int Position, int FieldLines);

/// <summary>A deliberately naive reading of where a request head ends, line by line, to check the
/// real parser against: lines end with CRLF or a bare LF, empty lines before the request line are
/// skipped, the first empty line after it ends the head (RFC 9112 section 2.2).</summary>
internal static class FuzzHeadReference
{
    public static HeadOutline Outline(ReadOnlySpan<byte> bytes)
    {
        int lineStart = 0;
        bool requestLineSeen = false;
        int fieldLines = 0;
        while (true)
        {
            int found = bytes[lineStart..].IndexOfAny((byte)'\r', (byte)'\n');
            if (found < 0)
            {
                return new HeadOutline(HeadShape.Open, bytes.Length, fieldLines);
            }
            int lineEnd = lineStart + found;
            int next = lineEnd + 1;
            if (bytes[lineEnd] == '\r')
            {
                if (next == bytes.Length)
                {
                    return new HeadOutline(HeadShape.Open, bytes.Length, fieldLines);
                }
                if (bytes[next] != '\n')
                {
                    return new HeadOutline(HeadShape.BareCarriageReturn, next + 1, fieldLines);
                }
                next++;
            }

            bool empty = lineEnd == lineStart;
            if (empty && requestLineSeen)
            {
                return new HeadOutline(HeadShape.Ended, next, fieldLines);
            }
            if (!empty)
            {
                fieldLines += requestLineSeen ? 1 : 0;
                requestLineSeen = true;
            }
            lineStart = next;
        }
    }
}
