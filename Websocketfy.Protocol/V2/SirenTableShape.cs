namespace Websocketfy.Protocol.V2;

/// <summary>
/// Decides whether SiREN's result text splits into columns and rows without guessing
/// (PROTOCOL-V2.md, sql): the first line is the header, and every other line must cut into exactly
/// as many fields as the header. A value that itself holds ", " (or a line break, in a result of
/// several columns) breaks that count, and the split is ambiguous. Feed the whole text, in pieces,
/// then <see cref="Finish"/>.
/// </summary>
/// <remarks>A one-column result whose value holds a line break cannot be told from two rows; SiREN
/// prints no quoting that would tell them apart, so such a result still counts as certain.</remarks>
public sealed class SirenTableShape
{
    private SirenLineTokenizer _tokenizer;
    private Counter _counter;

    /// <summary>Fields in the header line; 0 for an empty text.</summary>
    public int ColumnCount => _counter.Columns;

    /// <summary>Lines after the header.</summary>
    public long RowCount => _counter.Rows;

    /// <summary>False once a row's field count differed from the header's.</summary>
    public bool IsCertain => !_counter.Ambiguous;

    public void Feed(ReadOnlySpan<byte> text) => _tokenizer.Feed(text, ref _counter);

    public void Finish() => _tokenizer.Finish(ref _counter);

    private struct Counter : ISirenLineSink
    {
        private bool _headerDone;
        private int _fields;
        public int Columns;
        public long Rows;
        public bool Ambiguous;

        public readonly void FieldBytes(ReadOnlySpan<byte> bytes) { }

        public void FieldEnd() => _fields++;

        public void LineEnd()
        {
            if (!_headerDone)
            {
                _headerDone = true;
                Columns = _fields;
            }
            else
            {
                Rows++;
                if (_fields != Columns) Ambiguous = true;
            }
            _fields = 0;
        }
    }
}
