using System.Text.Json;

namespace Websocketfy.Protocol.V2;

/// <summary>
/// Writes SiREN's result text as the "columns" and "rows" members of a v2 sql reply: the header's
/// fields, then one array of strings per line, values exactly as SiREN printed them. Feed the text in
/// pieces (cut anywhere, even inside a UTF-8 sequence), then <see cref="Finish"/>. Only for a text that
/// <see cref="SirenTableShape"/> found certain; the text must be valid UTF-8.
/// </summary>
public sealed class SirenTableJson
{
    private SirenLineTokenizer _tokenizer;
    private Emitter _emitter;

    public SirenTableJson(Utf8JsonWriter writer) => _emitter = new Emitter(writer);

    public void Feed(ReadOnlySpan<byte> text) => _tokenizer.Feed(text, ref _emitter);

    /// <summary>Ends the members; an empty text gives "columns": [], "rows": [].</summary>
    public void Finish()
    {
        _tokenizer.Finish(ref _emitter);
        _emitter.Close();
    }

    private struct Emitter(Utf8JsonWriter writer) : ISirenLineSink
    {
        private bool _headerDone;
        private bool _lineOpen;
        private bool _fieldOpen;

        public void FieldBytes(ReadOnlySpan<byte> bytes)
        {
            OpenField();
            writer.WriteStringValueSegment(bytes, isFinalSegment: false);
        }

        public void FieldEnd()
        {
            OpenField();
            writer.WriteStringValueSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: true);
            _fieldOpen = false;
        }

        public void LineEnd()
        {
            writer.WriteEndArray();
            _lineOpen = false;
            if (!_headerDone)
            {
                _headerDone = true;
                writer.WritePropertyName("rows"u8);
                writer.WriteStartArray();
            }
        }

        public void Close()
        {
            if (!_headerDone)
            {
                writer.WritePropertyName("columns"u8);
                writer.WriteStartArray();
                writer.WriteEndArray();
                writer.WritePropertyName("rows"u8);
                writer.WriteStartArray();
            }
            writer.WriteEndArray();
        }

        private void OpenField()
        {
            if (_fieldOpen) return;
            if (!_lineOpen)
            {
                if (!_headerDone) writer.WritePropertyName("columns"u8);
                writer.WriteStartArray();
                _lineOpen = true;
            }
            _fieldOpen = true;
        }
    }
}
