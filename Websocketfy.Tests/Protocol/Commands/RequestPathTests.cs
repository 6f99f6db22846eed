using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Commands;

public class RequestPathTests
{
    private static PathVerdict Verdict(string? path) => RequestPath.Check(path, out _);

    [Test]
    public void NullPath_IsInvalidUtf8() => Assert.That(Verdict(null), Is.EqualTo(PathVerdict.InvalidUtf8));

    [Test]
    public void EmptyPath_IsMissing() => Assert.That(Verdict(""), Is.EqualTo(PathVerdict.Missing));

    [TestCase("/etc/passwd", TestName = "RootedPath_IsAbsolute")]
    [TestCase("/", TestName = "LoneSlash_IsAbsolute")]
    [TestCase("//server/share", TestName = "DoubleSlashPath_IsAbsolute")]
    public void PathStartingWithSlash_IsAbsolute(string path) => Assert.That(Verdict(path), Is.EqualTo(PathVerdict.Absolute));

    [TestCase("a\\b", TestName = "Backslash_IsForbidden")]
    [TestCase("..\\secret", TestName = "BackslashTraversal_IsForbidden")]
    [TestCase("a\0b", TestName = "Nul_IsForbidden")]
    [TestCase("a\tb", TestName = "InnerTab_IsForbidden")]
    [TestCase("a\nb", TestName = "InnerLineFeed_IsForbidden")]
    [TestCase("a\u007Fb", TestName = "Delete_IsForbidden")]
    [TestCase("a\u0085b", TestName = "NextLine_IsForbidden")]
    [TestCase("a\u009Fb", TestName = "LastC1Control_IsForbidden")]
    public void ControlCharactersAndBackslash_AreForbidden(string path) =>
        Assert.That(Verdict(path), Is.EqualTo(PathVerdict.ForbiddenCharacter));

    [Test]
    public void EveryChar_IsForbiddenExactlyWhenBackslashOrCategoryCc()
    {
        var disagreements = new List<int>();
        for (int i = 0; i <= char.MaxValue; i++)
        {
            char c = (char)i;
            if (char.IsSurrogate(c) || c == '/')
            {
                continue;
            }

            bool forbidden = c == '\\' || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Control;
            bool refused = Verdict("a" + c + "b") == PathVerdict.ForbiddenCharacter;
            if (forbidden != refused)
            {
                disagreements.Add(i);
            }
        }

        Assert.That(disagreements, Is.Empty);
    }

    [TestCase(".", TestName = "CurrentDirectory_IsDotSegment")]
    [TestCase("..", TestName = "ParentDirectory_IsDotSegment")]
    [TestCase("../etc/passwd", TestName = "LeadingTraversal_IsDotSegment")]
    [TestCase("study1/../../etc", TestName = "InnerTraversal_IsDotSegment")]
    [TestCase("study1/..", TestName = "TrailingTraversal_IsDotSegment")]
    [TestCase("study1/./img.dcm", TestName = "InnerCurrentDirectory_IsDotSegment")]
    [TestCase(".hidden", TestName = "HiddenFile_IsDotSegment")]
    [TestCase("study1/.git/config", TestName = "HiddenDirectory_IsDotSegment")]
    [TestCase("a//.b", TestName = "HiddenAfterEmptySegment_IsDotSegment")]
    public void SegmentStartingWithDot_IsDotSegment(string path) =>
        Assert.That(Verdict(path), Is.EqualTo(PathVerdict.DotSegment));

    [TestCase("study1/img001.dcm", new[] { "study1", "img001.dcm" }, TestName = "RelativePath_IsSplitIntoSegments")]
    [TestCase("img.dcm", new[] { "img.dcm" }, TestName = "SingleName_IsOneSegment")]
    [TestCase("a//b", new[] { "a", "b" }, TestName = "EmptySegments_AreTolerated")]
    [TestCase("a/b/", new[] { "a", "b" }, TestName = "TrailingSlash_IsTolerated")]
    [TestCase("a..b/c.", new[] { "a..b", "c." }, TestName = "DotsInsideNames_AreAllowed")]
    [TestCase("my study/img 1.dcm", new[] { "my study", "img 1.dcm" }, TestName = "InnerSpaces_AreAllowed")]
    [TestCase("caf\u00E9/\U0001F600.dcm", new[] { "caf\u00E9", "\U0001F600.dcm" }, TestName = "NonAsciiNames_AreAllowed")]
    [TestCase("a/\u00A0/b", new[] { "a", "\u00A0", "b" }, TestName = "NoBreakSpaceSegment_IsNotAControlCharacter")]
    public void AcceptedPath_YieldsItsNonEmptySegments(string path, string[] expected)
    {
        PathVerdict verdict = RequestPath.Check(path, out string[] segments);

        Assert.That((verdict, segments), Is.EqualTo((PathVerdict.Ok, expected)));
    }

    // Attribute arguments are stored as UTF-8, which cannot hold a lone surrogate: these paths are built
    // in code instead.
    private static readonly TestCaseData[] LoneSurrogatePaths =
    [
        new TestCaseData("a\uD800b").SetName("LoneHighSurrogate_IsInvalidUtf8"),
        new TestCaseData("a\uDC00b").SetName("LoneLowSurrogate_IsInvalidUtf8"),
        new TestCaseData("a\uD800").SetName("HighSurrogateAtEnd_IsInvalidUtf8"),
        new TestCaseData("\uDC00\uD800").SetName("SwappedSurrogates_AreInvalidUtf8"),
    ];

    [TestCaseSource(nameof(LoneSurrogatePaths))]
    public void LoneSurrogate_IsInvalidUtf8(string path) => Assert.That(Verdict(path), Is.EqualTo(PathVerdict.InvalidUtf8));

    [Test]
    public void ForbiddenCharacter_IsReportedBeforeDotSegment()
    {
        // Both rules are broken; the characters are checked first so the verdict is stable.
        Assert.That(Verdict("../a\\b"), Is.EqualTo(PathVerdict.ForbiddenCharacter));
    }

    [Test]
    public void RefusedPath_HasNoSegments()
    {
        RequestPath.Check("a/../b", out string[] segments);

        Assert.That(segments, Is.Empty);
    }
}
