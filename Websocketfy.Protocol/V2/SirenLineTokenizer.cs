namespace Websocketfy.Protocol.V2;

/// <summary>Receives the pieces of SiREN's result text as <see cref="SirenLineTokenizer"/> cuts it.</summary>
public interface ISirenLineSink
{
    /// <summary>Bytes of the current field (a field may arrive in several parts, or none when empty).</summary>
    void FieldBytes(ReadOnlySpan<byte> bytes);

    /// <summary>The current field ended (at ", " or at the end of its line).</summary>
    void FieldEnd();

    /// <summary>The current line ended (after its last <see cref="FieldEnd"/>).</summary>
    void LineEnd();
}

/// <summary>
/// Cuts SiREN's result text the way SiREN prints it: lines end with "\n", fields of a line are joined
/// by ", ". Incremental: the text may arrive in pieces cut anywhere (a ", " split over two pieces is
/// still one separator). A final line without "\n" still counts; the empty rest after a final "\n" is
/// no line. Nothing is decided here about whether the cut is right: see <see cref="SirenTableShape"/>.
/// </summary>
public struct SirenLineTokenizer
{
    private bool _pendingComma;
    private bool _lineStarted;

    public void Feed<TSink>(ReadOnlySpan<byte> text, ref TSink sink) where TSink : ISirenLineSink
    {
        int i = 0;
        if (_pendingComma && text.Length > 0)
        {
            _pendingComma = false;
            if (text[0] == (byte)' ')
            {
                sink.FieldEnd();
                i = 1;
            }
            else
            {
                sink.FieldBytes(","u8);
            }
        }
        while (i < text.Length)
        {
            _lineStarted = true;
            int found = text[i..].IndexOfAny((byte)',', (byte)'\n');
            if (found < 0)
            {
                sink.FieldBytes(text[i..]);
                return;
            }
            int at = i + found;
            if (at > i) sink.FieldBytes(text[i..at]);
            if (text[at] == (byte)'\n')
            {
                sink.FieldEnd();
                sink.LineEnd();
                _lineStarted = false;
                i = at + 1;
            }
            else if (at + 1 == text.Length)
            {
                // Whether this comma separates fields depends on the next piece's first byte.
                _pendingComma = true;
                return;
            }
            else if (text[at + 1] == (byte)' ')
            {
                sink.FieldEnd();
                i = at + 2;
            }
            else
            {
                sink.FieldBytes(","u8);
                i = at + 1;
            }
        }
    }

    /// <summary>The end of the text: a comma left waiting is a value's, an unfinished line is a line.</summary>
    public void Finish<TSink>(ref TSink sink) where TSink : ISirenLineSink
    {
        if (_pendingComma)
        {
            _pendingComma = false;
            sink.FieldBytes(","u8);
        }
        if (_lineStarted)
        {
            _lineStarted = false;
            sink.FieldEnd();
            sink.LineEnd();
        }
    }
}
