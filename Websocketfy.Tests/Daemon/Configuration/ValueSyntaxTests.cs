using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Tests.Daemon.Configuration;

public class ValueSyntaxTests
{
    [TestCase("https://viewer.example", "https://viewer.example")]
    [TestCase("HTTPS://Viewer.Example:443/", "https://viewer.example")]
    [TestCase("http://10.0.0.7:8000", "http://10.0.0.7:8000")]
    [TestCase("http://[::1]:8080", "http://[::1]:8080")]
    [TestCase("https://bücher.example", "https://xn--bcher-kva.example")]
    [TestCase("*", "*")]
    [TestCase("null", "null")]
    public void Origin_IsBroughtToTheFormBrowsersSend(string text, string expected) =>
        Assert.That(OriginListSyntax.Parse(text).Value, Is.EqualTo(new[] { expected }));

    [Test]
    public void OriginList_IsCommaSeparatedWithBlanksIgnored() =>
        Assert.That(OriginListSyntax.Parse(" https://a.example ,, http://b.example:81 ,").Value,
            Is.EqualTo(new[] { "https://a.example", "http://b.example:81" }));

    [Test]
    public void EmptyOriginList_IsEmpty() =>
        Assert.That(OriginListSyntax.Parse("").Value, Is.Empty);

    [TestCase("viewer.example")]
    [TestCase("https://viewer.example/app")]
    [TestCase("https://user@viewer.example")]
    [TestCase("https://viewer.example?x")]
    [TestCase("https://viewer.example#x")]
    [TestCase("/srv/www")]
    [TestCase("file:///srv/www")]
    public void OriginWithPathUserQueryOrNoHost_IsRefused(string text) =>
        Assert.That(OriginListSyntax.Parse("https://ok.example, " + text).Problem,
            Is.EqualTo($"'{text}' is not an origin (scheme://host[:port], e.g. https://viewer.example, or *)"));

    [TestCase("true", true)]
    [TestCase("False", false)]
    [TestCase("yes", true)]
    [TestCase("NO", false)]
    [TestCase("on", true)]
    [TestCase("off", false)]
    [TestCase("1", true)]
    [TestCase("0", false)]
    public void Switch_AcceptsCommonSpellings(string text, bool expected) =>
        Assert.That(SwitchSyntax.Parse(text).Value, Is.EqualTo(expected));

    [Test]
    public void Switch_RefusesOtherWords() =>
        Assert.That(SwitchSyntax.Parse("maybe").Problem, Is.EqualTo("'maybe' is not true or false (also yes/no, on/off, 1/0)"));

    [TestCase("trace", LogLevel.Trace)]
    [TestCase("Debug", LogLevel.Debug)]
    [TestCase("INFORMATION", LogLevel.Information)]
    [TestCase("info", LogLevel.Information)]
    [TestCase("warning", LogLevel.Warning)]
    [TestCase("error", LogLevel.Error)]
    [TestCase("critical", LogLevel.Critical)]
    [TestCase("none", LogLevel.None)]
    public void LogLevel_AcceptsTheNamesAnyCase(string text, LogLevel expected) =>
        Assert.That(LogLevelSyntax.Parse(text).Value, Is.EqualTo(expected));

    [TestCase("verbose")]
    [TestCase("2")]
    [TestCase("Error, Warning")]
    public void LogLevel_RefusesNumbersAndOtherNames(string text) =>
        Assert.That(LogLevelSyntax.Parse(text).Problem,
            Is.EqualTo($"'{text}' is not a log level (trace, debug, information (info), warning, error, critical or none)"));

    [TestCase("1", 1)]
    [TestCase("4096", 4096)]
    [TestCase("2147483647", int.MaxValue)]
    public void Count_AcceptsWholeNumbersFromTheMinimum(string text, int expected) =>
        Assert.That(CountSyntax.Parse(text, min: 1).Value, Is.EqualTo(expected));

    [TestCase("0", "'0' is too small (at least 1)")]
    [TestCase("2147483648", "'2147483648' is too large (at most 2147483647)")]
    [TestCase("99999999999999999999", "'99999999999999999999' is too large (at most 2147483647)")]
    [TestCase("1K", "'1K' is not a whole number")]
    [TestCase("-5", "'-5' is not a whole number")]
    public void Count_RefusesOtherValues(string text, string problem) =>
        Assert.That(CountSyntax.Parse(text, min: 1).Problem, Is.EqualTo(problem));
}
