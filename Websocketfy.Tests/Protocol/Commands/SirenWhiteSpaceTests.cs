using System.Globalization;
using System.Text;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Commands;

public class SirenWhiteSpaceTests
{
    // Qt's QChar::isSpace, written out from its definition rather than from any .NET helper.
    private static bool IsQtSpace(int codePoint, UnicodeCategory category) =>
        codePoint == 0x20
        || (codePoint >= 0x09 && codePoint <= 0x0D)
        || (codePoint > 127 && (codePoint == 0x85 || codePoint == 0xA0
            || category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator));

    [Test]
    public void EveryChar_IsWhiteSpaceExactlyWhenQtSaysSo()
    {
        var disagreements = new List<int>();
        for (int i = 0; i <= char.MaxValue; i++)
        {
            char c = (char)i;
            if (SirenWhiteSpace.IsWhiteSpace(c) != IsQtSpace(i, char.GetUnicodeCategory(c)))
            {
                disagreements.Add(i);
            }
        }

        Assert.That(disagreements, Is.Empty);
    }

    [Test]
    public void EveryCodePoint_AsRune_IsWhiteSpaceExactlyWhenQtSaysSo()
    {
        var disagreements = new List<int>();
        for (int i = 0; i <= 0x10FFFF; i++)
        {
            if (Rune.IsValid(i) && SirenWhiteSpace.IsWhiteSpace(new Rune(i)) != IsQtSpace(i, CharUnicodeInfo.GetUnicodeCategory(i)))
            {
                disagreements.Add(i);
            }
        }

        Assert.That(disagreements, Is.Empty);
    }

    [TestCase('\u0085', TestName = "NextLine_IsWhiteSpace")]
    [TestCase('\u00A0', TestName = "NoBreakSpace_IsWhiteSpace")]
    [TestCase('\u2028', TestName = "LineSeparator_IsWhiteSpace")]
    [TestCase('\u3000', TestName = "IdeographicSpace_IsWhiteSpace")]
    [TestCase('\v', TestName = "VerticalTab_IsWhiteSpace")]
    public void NonObviousSpaces_AreWhiteSpace(char c) => Assert.That(SirenWhiteSpace.IsWhiteSpace(c), Is.True);

    [TestCase('\0', TestName = "Nul_IsNotWhiteSpace")]
    [TestCase('\u200B', TestName = "ZeroWidthSpace_IsNotWhiteSpace")]
    [TestCase('\u180E', TestName = "MongolianVowelSeparator_IsNotWhiteSpace")]
    [TestCase('\u001C', TestName = "FileSeparator_IsNotWhiteSpace")]
    public void LookAlikes_AreNotWhiteSpace(char c) => Assert.That(SirenWhiteSpace.IsWhiteSpace(c), Is.False);

    [TestCase("SELECT 1", "SELECT 1", TestName = "Normalise_LeavesPlainCommandAlone")]
    [TestCase("  SELECT 1 \n", "SELECT 1", TestName = "Normalise_TrimsBothEnds")]
    [TestCase("SELECT *\r\n\tFROM  images", "SELECT * FROM images", TestName = "Normalise_CollapsesInnerRunsToOneSpace")]
    [TestCase("\u00A0SELECT\u3000\u00851\u2029", "SELECT 1", TestName = "Normalise_TreatsUnicodeSpacesAsSpaces")]
    [TestCase("SELECT 1;", "SELECT 1", TestName = "Normalise_RemovesTrailingSemicolon")]
    [TestCase("SELECT 1;;", "SELECT 1;", TestName = "Normalise_RemovesOnlyOneSemicolon")]
    [TestCase("SELECT 1; SELECT 2;", "SELECT 1; SELECT 2", TestName = "Normalise_KeepsInnerSemicolon")]
    [TestCase("SELECT 1;\r\n", "SELECT 1", TestName = "Normalise_RemovesSemicolonBeforeTrailingSpace")]
    [TestCase("QUIT ;", "QUIT ", TestName = "Normalise_ChopsAfterSimplifying_SoASpaceBeforeTheSemicolonStays")]
    [TestCase(" ; \n", "", TestName = "Normalise_LoneSemicolonBecomesEmpty")]
    [TestCase("", "", TestName = "Normalise_EmptyStaysEmpty")]
    [TestCase(" \t\r\n ", "", TestName = "Normalise_OnlySpacesBecomesEmpty")]
    public void Normalise_FollowsSimplifiedThenChop(string command, string expected) =>
        Assert.That(SirenWhiteSpace.Normalise(command), Is.EqualTo(expected));

    [Test]
    public void Normalise_LongCommand_IsSimplifiedWholly()
    {
        // Longer than any stack buffer a normaliser might use for short commands.
        string words = string.Join(" ", Enumerable.Range(0, 2000).Select(i => "w" + i));
        string spaced = "\n " + words.Replace(" ", " \t\r\n ") + " ;\n";

        Assert.That(SirenWhiteSpace.Normalise(spaced), Is.EqualTo(words + " "));
    }
}
