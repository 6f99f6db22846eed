using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.Tests.SirenPeer;

public sealed class SirenLexerTests
{
    [Test]
    public void Words_KeepTheirCase()
    {
        Assert.That(SirenLexer.Tokens("ages", 3), Is.EqualTo(new[] { "ages" }));
    }

    [Test]
    public void Tokens_AreSplitAtWhiteSpaceAndSymbols()
    {
        Assert.That(SirenLexer.Tokens("INSERT INTO t(a) VALUES", 5), Is.EqualTo(new[] { "INSERT", "INTO", "t", "(", "a" }));
    }

    [Test]
    public void LeadingSymbol_IsATokenOfItsOwn()
    {
        Assert.That(SirenLexer.Tokens("(SELECT 1)", 1), Is.EqualTo(new[] { "(" }));
    }

    [Test]
    public void QuotedName_IsOneTokenWithItsQuotes()
    {
        Assert.That(SirenLexer.Tokens("DROP TABLE \"my table\" x", 3)[2], Is.EqualTo("\"my table\""));
    }

    [Test]
    public void Unquote_StripsMatchingQuotesOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SirenLexer.Unquote("\"my table\""), Is.EqualTo("my table"));
            Assert.That(SirenLexer.Unquote("[t]"), Is.EqualTo("t"));
            Assert.That(SirenLexer.Unquote("\"t"), Is.EqualTo("\"t"));
        });
    }

    [Test]
    public void NonAsciiLetters_BelongToTheWord()
    {
        Assert.That(SirenLexer.Tokens("CAFÉ 1", 1), Is.EqualTo(new[] { "CAFÉ" }));
    }
}
