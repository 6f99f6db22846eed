using System.Text;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.Tests.SirenPeer;

public sealed class CommandNormaliserTests
{
    private static NormalisedChunk Normalise(string chunk) => CommandNormaliser.Normalise(Encoding.UTF8.GetBytes(chunk));

    [Test]
    public void SurroundingWhiteSpace_IsTrimmedAndInnerRunsBecomeOneSpace()
    {
        Assert.That(Normalise("  SELECT\t*\r\nFROM   images \n").Text, Is.EqualTo("SELECT * FROM images"));
    }

    [TestCase("\u00A0", TestName = "NoBreakSpace_IsWhiteSpaceLikeQt")]
    [TestCase("\u0085", TestName = "NextLine_IsWhiteSpaceLikeQt")]
    [TestCase("\u2003", TestName = "EmSpace_IsWhiteSpaceLikeQt")]
    [TestCase("\u2028", TestName = "LineSeparator_IsWhiteSpaceLikeQt")]
    [TestCase("\v\f", TestName = "VerticalTabAndFormFeed_AreWhiteSpaceLikeQt")]
    public void UnicodeWhiteSpace_CollapsesLikeAsciiSpace(string space)
    {
        Assert.That(Normalise($"{space}SELECT{space}{space}1{space}").Text, Is.EqualTo("SELECT 1"));
    }

    [Test]
    public void ZeroWidthSpace_IsNotWhiteSpace()
    {
        // U+200B is a format character (Cf), not a space, for Qt and .NET alike.
        Assert.That(Normalise("SELECT\u200B1").Text, Is.EqualTo("SELECT\u200B1"));
    }

    [Test]
    public void OneTrailingSemicolon_IsRemoved()
    {
        Assert.That(Normalise("SELECT * FROM images;\r\n").Text, Is.EqualTo("SELECT * FROM images"));
    }

    [Test]
    public void OnlyOneOfTwoTrailingSemicolons_IsRemoved()
    {
        Assert.That(Normalise("SELECT 1;;").Text, Is.EqualTo("SELECT 1;"));
    }

    [Test]
    public void SpaceBeforeTheChoppedSemicolon_IsKept()
    {
        Assert.That(Normalise("SELECT 1 ;").Text, Is.EqualTo("SELECT 1 "));
    }

    [Test]
    public void InnerSemicolons_AreKept()
    {
        Assert.That(Normalise("SELECT 1; SELECT 2;\n").Text, Is.EqualTo("SELECT 1; SELECT 2"));
    }

    [Test]
    public void ExactlyCrLf_IsTheIgnoredChunk()
    {
        Assert.That(Normalise("\r\n").Kind, Is.EqualTo(ChunkKind.CrLf));
    }

    [TestCase("\n", TestName = "LoneLf_IsBlank")]
    [TestCase("\r\n\r\n", TestName = "TwoCrLf_AreBlank")]
    [TestCase(";\n", TestName = "LoneSemicolon_IsBlank")]
    [TestCase("   \n", TestName = "Spaces_AreBlank")]
    [TestCase(" ; ", TestName = "SpacedSemicolon_IsBlank")]
    [TestCase("\r", TestName = "LoneCr_IsBlank")]
    public void BlankChunks_AreBlank(string chunk)
    {
        Assert.That(Normalise(chunk).Kind, Is.EqualTo(ChunkKind.Blank));
    }

    [TestCase("QUIT\n", TestName = "QuitWithLf_IsQuit")]
    [TestCase("quit;", TestName = "LowerCaseQuitWithSemicolon_IsQuit")]
    [TestCase(" Quit ", TestName = "MixedCaseQuitWithSpaces_IsQuit")]
    [TestCase("\u00A0QUIT;\r\n", TestName = "QuitAmidUnicodeSpace_IsQuit")]
    public void QuitSpellings_AreQuit(string chunk)
    {
        Assert.That(Normalise(chunk).Kind, Is.EqualTo(ChunkKind.Quit));
    }

    [TestCase("QUIT now", TestName = "QuitWithMoreWords_IsAStatement")]
    [TestCase("QUIT;;", TestName = "QuitWithTwoSemicolons_IsAStatement")]
    [TestCase("QUITE", TestName = "LongerWord_IsAStatement")]
    public void NearQuits_AreStatements(string chunk)
    {
        Assert.That(Normalise(chunk).Kind, Is.EqualTo(ChunkKind.Statement));
    }

    [Test]
    public void InvalidUtf8_BecomesReplacementCharacters()
    {
        // 0xFF can never start a UTF-8 sequence.
        NormalisedChunk chunk = CommandNormaliser.Normalise([(byte)'A', 0xFF, (byte)'B']);
        Assert.That(chunk.Text, Is.EqualTo("A\uFFFDB"));
    }
}
