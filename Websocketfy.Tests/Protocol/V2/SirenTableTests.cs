using System.Buffers;
using System.Text;
using System.Text.Json;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.V2;

/// <summary>The split of SiREN's result text into columns and rows (PROTOCOL-V2.md, sql), on the shapes
/// SiREN really prints (recorded in SirenPeer/Transcripts/15-result-format-quirks.txt).</summary>
public class SirenTableTests
{
    /// <summary>The shape and, when certain, the columns and rows as JSON ("columns": [...], "rows": [...]),
    /// the text fed in pieces of <paramref name="pieceSize"/> bytes.</summary>
    private static (bool Certain, string Json) Split(string text, int pieceSize = int.MaxValue)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var shape = new SirenTableShape();
        foreach (var piece in Pieces(bytes, pieceSize)) shape.Feed(piece.Span);
        shape.Finish();
        if (!shape.IsCertain) return (false, "");
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output, V2Replies.WriterOptions))
        {
            json.WriteStartObject();
            var table = new SirenTableJson(json);
            foreach (var piece in Pieces(bytes, pieceSize)) table.Feed(piece.Span);
            table.Finish();
            json.WriteEndObject();
        }
        return (true, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Pieces(byte[] bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size) yield return bytes.AsMemory(i, Math.Min(size, bytes.Length - i));
    }

    [Test]
    public void Result_IsHeaderThenRows()
    {
        Assert.That(Split("id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n"),
                    Is.EqualTo((true, """{"columns":["id","label","path"],"rows":[["1","normal","study1/img001.dcm"],["2","nodule","study1/img002.dcm"]]}""")));
    }

    [Test]
    public void EmptyText_IsNoColumnsAndNoRows() =>
        Assert.That(Split(""), Is.EqualTo((true, """{"columns":[],"rows":[]}""")));

    [Test]
    public void HeaderAlone_IsColumnsWithoutRows() =>
        Assert.That(Split("a, b\n"), Is.EqualTo((true, """{"columns":["a","b"],"rows":[]}""")));

    [Test]
    public void NullAndEmptyValues_AreEmptyStrings() =>
        Assert.That(Split("x, y, z\n, 1, \n"), Is.EqualTo((true, """{"columns":["x","y","z"],"rows":[["","1",""]]}""")));

    [Test]
    public void LastLineWithoutLineFeed_IsARow() =>
        Assert.That(Split("v, w\ncafé, ok"), Is.EqualTo((true, """{"columns":["v","w"],"rows":[["café","ok"]]}""")));

    [Test]
    public void ValueWithCommaSpace_MakesTheSplitAmbiguous() =>
        Assert.That(Split("a, b\n1, x, y\n").Certain, Is.False);

    [Test]
    public void ValueWithCommaSpaceInAOneColumnResult_IsAmbiguous() =>
        Assert.That(Split("v\nx, y\n").Certain, Is.False);

    [Test]
    public void ValueWithLineFeedInATwoColumnResult_IsAmbiguous() =>
        Assert.That(Split("v, w\nline1\nline2, 2\n").Certain, Is.False);

    [Test]
    public void CommaWithoutSpace_IsPartOfTheValue() =>
        Assert.That(Split("a, b\n1,5, x\n"), Is.EqualTo((true, """{"columns":["a","b"],"rows":[["1,5","x"]]}""")));

    [Test]
    public void ValueEndingInAComma_KeepsIt() =>
        Assert.That(Split("a\nx,\n"), Is.EqualTo((true, """{"columns":["a"],"rows":[["x,"]]}""")));

    [Test]
    public void EmptyLineInATwoColumnResult_IsAmbiguous() =>
        Assert.That(Split("a, b\n\n1, 2\n").Certain, Is.False);

    [Test]
    public void EmptyLineInAOneColumnResult_IsAnEmptyValue() =>
        Assert.That(Split("v\n\n"), Is.EqualTo((true, """{"columns":["v"],"rows":[[""]]}""")));

    [Test]
    public void ControlCharactersAndQuotes_AreEscapedAsJsonRequires() =>
        Assert.That(Split("v\n\"q\" \\ \t\u0001\n"), Is.EqualTo((true, """{"columns":["v"],"rows":[["\"q\" \\ \t\u0001"]]}""")));

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    public void PiecesCutAnywhere_GiveTheSameSplit(int pieceSize)
    {
        const string text = "a, b, c\nα, β,γ, \n, ,, 😀\nx, y, z";

        Assert.That(Split(text, pieceSize), Is.EqualTo(Split(text)));
        Assert.That(Split(text).Json, Is.EqualTo("""{"columns":["a","b","c"],"rows":[["α","β,γ",""],["",",","😀"],["x","y","z"]]}""".Replace("😀", "\\uD83D\\uDE00")));
    }

    [Test]
    public void Shape_CountsColumnsAndRows()
    {
        var shape = new SirenTableShape();
        shape.Feed("a, b\n1, 2\n3, 4\n"u8);
        shape.Finish();

        Assert.That((shape.ColumnCount, shape.RowCount, shape.IsCertain), Is.EqualTo((2, 2L, true)));
    }
}
