using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Tests.Daemon.Configuration;

public class SizeSyntaxTests
{
    [TestCase("0", 0L)]
    [TestCase("1048576", 1048576L)]
    [TestCase("1K", 1024L)]
    [TestCase("1KiB", 1024L)]
    [TestCase("3k", 3072L)]
    [TestCase("1M", 1048576L)]
    [TestCase("2MiB", 2097152L)]
    [TestCase("1mib", 1048576L)]
    [TestCase("1G", 1073741824L)]
    [TestCase("1GiB", 1073741824L)]
    [TestCase("8589934591G", 8589934591L * 1073741824L)]
    public void WholeNumberWithOptionalBinaryUnit_IsReadAsBytes(string text, long expected)
    {
        Assert.That(SizeSyntax.Read(text, out long bytes), Is.EqualTo(NumberReading.Valid));
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("K")]
    [TestCase("1KB")]
    [TestCase("1MB")]
    [TestCase("1.5M")]
    [TestCase("-1")]
    [TestCase("+1")]
    [TestCase(" 1")]
    [TestCase("1 M")]
    [TestCase("1e3")]
    [TestCase("0x10")]
    [TestCase("1T")]
    public void OtherSpellings_AreMalformed(string text) =>
        Assert.That(SizeSyntax.Read(text, out _), Is.EqualTo(NumberReading.Malformed));

    [TestCase("99999999999999999999")]
    [TestCase("8589934592G")] // 2^33 GiB = 2^63 bytes, one more than long.MaxValue
    public void SizesBeyondALong_AreTooLarge(string text) =>
        Assert.That(SizeSyntax.Read(text, out _), Is.EqualTo(NumberReading.TooLarge));

    [TestCase(0L, "0")]
    [TestCase(1536L, "1536")]
    [TestCase(8192L, "8K")]
    [TestCase(1048576L, "1M")]
    [TestCase(3L * 1073741824L, "3G")]
    public void Format_UsesTheLargestExactUnit(long bytes, string expected) =>
        Assert.That(SizeSyntax.Format(bytes), Is.EqualTo(expected));

    [Test]
    public void Parse_AboveTheMaximum_SaysTheMaximum() =>
        Assert.That(SizeSyntax.Parse("2G", 1, int.MaxValue).Problem, Is.EqualTo("'2G' is too large (at most 2147483647)"));

    [Test]
    public void Parse_BelowTheMinimum_SaysTheMinimum() =>
        Assert.That(SizeSyntax.Parse("512", 1024, int.MaxValue).Problem, Is.EqualTo("'512' is too small (at least 1K)"));

    [Test]
    public void Parse_OfAMalformedSize_ExplainsTheSyntax() =>
        Assert.That(SizeSyntax.Parse("1MB", 1, int.MaxValue).Problem,
            Is.EqualTo("'1MB' is not a size (bytes, or a whole number with K, M or G (KiB, MiB, GiB), e.g. 1M)"));
}
