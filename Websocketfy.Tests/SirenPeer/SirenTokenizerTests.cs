using Websocketfy.SirenDemo.Parsing;

namespace Websocketfy.Tests.SirenPeer;

/// <summary>The peer's port of SiREN's lexer: token texts and types as SiREN's parser sees them.</summary>
public sealed class SirenTokenizerTests
{
    private static string[] Show(string command) =>
        [.. SirenTokenizer.Tokens(command).Select(t => $"{t.Lexem}:{t.Type}")];

    [Test]
    public void Words_KeepTheirCase_AndInAndBetweenAreOperators()
    {
        Assert.That(Show("Select a in x BETWEEN"), Is.EqualTo(new[] { "Select:Identifier", "a:Identifier", "in:In", "x:Identifier", "BETWEEN:Between" }));
    }

    [Test]
    public void Symbols_AndComparisons_AreTokensOfTheirOwn()
    {
        Assert.That(Show("t(a)>=1<>2!=3<4"), Is.EqualTo(new[]
        {
            "t:Identifier", "(:OpenBrace", "a:Identifier", "):CloseBrace", ">=:GreaterOrEqual", "1:Integer",
            "<>:LessGreater", "2:Integer", "!=:NotEqual", "3:Integer", "<:Less", "4:Integer",
        }));
    }

    [Test]
    public void Numbers_TakeTheirSignAndExponent()
    {
        Assert.That(Show("-1 +2.5 1e3 1.5E-2 - x"), Is.EqualTo(new[]
        {
            "-1:Integer", "+2.5:FloatingPoint", "1e3:FloatingPoint", "1.5E-2:FloatingPoint", "-:Sub", "x:Identifier",
        }));
    }

    [Test]
    public void BrokenNumber_SwallowsTheCharacterAfterTheDot()
    {
        Assert.That(Show("1.x y"), Is.EqualTo(new[] { "1.:FloatingPointError", "y:Identifier" }));
    }

    [Test]
    public void Strings_KeepTheirQuotesAndAnyBytes_AndAnUnterminatedOneRunsToTheEnd()
    {
        Assert.That(Show("'a, b' \"café\" 'open"), Is.EqualTo(new[] { "'a, b':String", "\"café\":String", "'open:UnterminatedString" }));
    }

    [TestCase("a:b", new[] { "a:Identifier" }, TestName = "Colon_EndsTheTokens")]
    [TestCase("a _b", new[] { "a:Identifier" }, TestName = "UnderscoreFirst_EndsTheTokens")]
    [TestCase("a ñ b", new[] { "a:Identifier" }, TestName = "NonAsciiOutsideQuotes_EndsTheTokens")]
    [TestCase("a_b$1 c", new[] { "a_b$1:Identifier", "c:Identifier" }, TestName = "UnderscoreDollarAndDigits_BelongToAWord")]
    public void Lexing_StopsAtTheFirstCharacterWithoutARule(string command, string[] expected)
    {
        Assert.That(Show(command), Is.EqualTo(expected));
    }
}
