using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Tests.Daemon.Configuration;

public class DurationSyntaxTests
{
    [TestCase("30", 30_000)]
    [TestCase("1.5", 1_500)]
    [TestCase(".5", 500)]
    [TestCase("0.25s", 250)]
    [TestCase("30s", 30_000)]
    [TestCase("5S", 5_000)]
    [TestCase("250ms", 250)]
    [TestCase("100MS", 100)]
    [TestCase("2m", 120_000)]
    [TestCase("1.5m", 90_000)]
    [TestCase("0", 0)]
    public void NumberWithOptionalUnit_IsReadAsADuration(string text, int expectedMilliseconds)
    {
        Assert.That(DurationSyntax.Read(text, out TimeSpan duration), Is.EqualTo(NumberReading.Valid));
        Assert.That(duration, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }

    [TestCase("")]
    [TestCase("s")]
    [TestCase(".")]
    [TestCase("1.2.3")]
    [TestCase("-1")]
    [TestCase("1,5")]
    [TestCase("1e3")]
    [TestCase("1 s")]
    [TestCase("1h")]
    [TestCase("1sec")]
    [TestCase("00:00:30")]
    public void OtherSpellings_AreMalformed(string text) =>
        Assert.That(DurationSyntax.Read(text, out _), Is.EqualTo(NumberReading.Malformed));

    [Test]
    public void ADurationBeyondTimeSpan_IsTooLarge() =>
        Assert.That(DurationSyntax.Read("99999999999999999999m", out _), Is.EqualTo(NumberReading.TooLarge));

    [Test]
    public void Parse_OfZero_IsRefusedWhereZeroDoesNotMeanOff() =>
        Assert.That(DurationSyntax.Parse("0", zeroMeansOff: false).Problem, Is.EqualTo("'0' must be more than 0"));

    [Test]
    public void Parse_OfZero_IsAcceptedWhereZeroMeansOff() =>
        Assert.That(DurationSyntax.Parse("0ms", zeroMeansOff: true).Value, Is.EqualTo(TimeSpan.Zero));

    [Test]
    public void Parse_OfMoreThan24Days_IsRefused() =>
        Assert.That(DurationSyntax.Parse("2073601", zeroMeansOff: false).Problem, Is.EqualTo("'2073601' is too long (at most 24 days)"));

    [Test]
    public void Parse_Of24Days_IsAccepted() =>
        Assert.That(DurationSyntax.Parse("34560m", zeroMeansOff: false).Value, Is.EqualTo(TimeSpan.FromDays(24)));

    [Test]
    public void Parse_OfAMalformedDuration_ExplainsTheSyntax() =>
        Assert.That(DurationSyntax.Parse("1h", zeroMeansOff: false).Problem,
            Is.EqualTo("'1h' is not a duration (seconds, decimals allowed, or a number with ms, s or m, e.g. 1.5, 250ms, 2m)"));

    [TestCase(0L, "0")]
    [TestCase(30L * TimeSpan.TicksPerSecond, "30s")]
    [TestCase(250L * TimeSpan.TicksPerMillisecond, "250ms")]
    [TestCase(1500L * TimeSpan.TicksPerMillisecond, "1500ms")]
    [TestCase(1L, "0.0000001s")]
    public void Format_IsReadBackToTheSameDuration(long ticks, string expected)
    {
        string text = DurationSyntax.Format(TimeSpan.FromTicks(ticks));
        Assert.That(text, Is.EqualTo(expected));
        DurationSyntax.Read(text, out TimeSpan readBack);
        Assert.That(readBack.Ticks, Is.EqualTo(ticks));
    }
}
