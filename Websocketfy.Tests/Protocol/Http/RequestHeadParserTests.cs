using Websocketfy.Protocol.Http;
using static Websocketfy.Tests.Protocol.Http.SampleRequests;

namespace Websocketfy.Tests.Protocol.Http;

public class RequestHeadParserTests
{
    // A masked client text frame "Hi" that arrives in the same TCP read as the head:
    // FIN=1 op=text | MASK=1 len=2 | mask key 01 02 03 04 | "Hi" masked
    private static readonly byte[] FrameAfterHead = [0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x49, 0x6B];

    private static byte[] HeadThenFrame(string head) => [.. Ascii(head), .. FrameAfterHead];

    private static void AssertChromiumHead(RequestHead? head)
    {
        Assert.That(head, Is.Not.Null);
        Assert.That(head!.Method, Is.EqualTo("GET"));
        Assert.That(head.Target, Is.EqualTo("/ws"));
        Assert.That((head.VersionMajor, head.VersionMinor), Is.EqualTo((1, 1)));
        Assert.That(head.Headers, Has.Count.EqualTo(12));
        Assert.That(head.Headers[0], Is.EqualTo(new KeyValuePair<string, string>("Host", "127.0.0.1:8080")));
        Assert.That(head.Headers[11], Is.EqualTo(new KeyValuePair<string, string>(
            "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));
    }

    [Test]
    public void ChromiumRequest_ParsesRequestLineAndHeadersInArrivalOrder()
    {
        var parser = new RequestHeadParser();

        HeadParseStatus status = parser.Feed(Ascii(Chromium), out int consumed);

        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(Chromium.Length));
        AssertChromiumHead(parser.Head);
    }

    [Test]
    public void BytesAfterTheHead_AreLeftForTheCaller()
    {
        byte[] input = HeadThenFrame(Chromium);
        var parser = new RequestHeadParser();

        HeadParseStatus status = parser.Feed(input, out int consumed);

        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(input[consumed..], Is.EqualTo(FrameAfterHead));
    }

    [Test]
    public void EverySplitPositionOfARealRequest_GivesTheSameHeadAndLeavesTheFrameBytes()
    {
        byte[] input = HeadThenFrame(Chromium);
        for (int split = 0; split <= input.Length; split++)
        {
            var parser = new RequestHeadParser();
            var leftover = new List<byte>();

            HeadParseStatus status = parser.Feed(input.AsSpan(0, split), out int consumed);
            if (status == HeadParseStatus.NeedMoreData)
            {
                Assert.That(consumed, Is.EqualTo(split), $"split {split}: first part fully consumed");
                status = parser.Feed(input.AsSpan(split), out consumed);
                leftover.AddRange(input[(split + consumed)..]);
            }
            else
            {
                leftover.AddRange(input[consumed..]);
            }

            Assert.That(status, Is.EqualTo(HeadParseStatus.Complete), $"split {split}");
            Assert.That(leftover, Is.EqualTo(FrameAfterHead), $"split {split}");
            AssertChromiumHead(parser.Head);
        }
    }

    [Test]
    public void OneByteAtATime_CompletesExactlyOnTheLastByteOfTheBlankLine()
    {
        byte[] input = HeadThenFrame(Chromium);
        var parser = new RequestHeadParser();
        int fed = 0;
        HeadParseStatus status = HeadParseStatus.NeedMoreData;

        while (status == HeadParseStatus.NeedMoreData)
        {
            status = parser.Feed(input.AsSpan(fed, 1), out int consumed);
            Assert.That(consumed, Is.EqualTo(1));
            fed++;
        }

        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(fed, Is.EqualTo(Chromium.Length));
        AssertChromiumHead(parser.Head);
    }

    [Test]
    public void Head_IsNullUntilTheHeadIsComplete()
    {
        var parser = new RequestHeadParser();

        parser.Feed(Ascii(Minimal[..^2]), out _);

        Assert.That(parser.Head, Is.Null);
    }

    [Test]
    public void AfterCompletion_FurtherFeedsConsumeNothingAndRepeatTheStatus()
    {
        var parser = new RequestHeadParser();
        parser.Feed(Ascii(Minimal), out _);

        HeadParseStatus again = parser.Feed(FrameAfterHead, out int consumed);

        Assert.That(again, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(consumed, Is.Zero);
    }

    [Test]
    public void AfterMalformed_FurtherFeedsConsumeNothingAndStayMalformed()
    {
        var parser = new RequestHeadParser();
        parser.Feed(Ascii("GET / HTTP/1.1\r\nHost : x\r\n"), out _);

        HeadParseStatus again = parser.Feed(Ascii("\r\n"), out int consumed);

        Assert.That(again, Is.EqualTo(HeadParseStatus.Malformed));
        Assert.That(consumed, Is.Zero);
        Assert.That(parser.Head, Is.Null);
    }

    [Test]
    public void ALongHeaderLine_BeyondTheInitialLineBuffer_IsKeptWhole()
    {
        string cookie = new('c', 5000);
        var parser = new RequestHeadParser();

        HeadParseStatus status = parser.Feed(Ascii($"GET / HTTP/1.1\r\nCookie: {cookie}\r\n\r\n"), out _);

        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(parser.Head!.GetHeader("Cookie"), Is.EqualTo(cookie));
    }

    [Test]
    public void FieldValues_AreTrimmedOfOptionalWhiteSpace_AndKeepInnerTabs()
    {
        RequestHead head = Parse("GET / HTTP/1.1\r\nX-A: \t one\ttwo \t\r\nX-B:three\r\nX-C:   \r\n\r\n");

        Assert.That(head.Headers, Is.EqualTo(new[]
        {
            new KeyValuePair<string, string>("X-A", "one\ttwo"),
            new KeyValuePair<string, string>("X-B", "three"),
            new KeyValuePair<string, string>("X-C", ""),
        }));
    }

    [Test]
    public void EmptyLinesBeforeTheRequestLine_AreSkipped()
    {
        RequestHead head = Parse("\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.That(head.Target, Is.EqualTo("/healthz"));
    }

    [Test]
    public void AHeadWithoutHeaderFields_IsComplete()
    {
        RequestHead head = Parse("GET / HTTP/1.0\r\n\r\n");

        Assert.That((head.VersionMajor, head.VersionMinor, head.Headers.Count), Is.EqualTo((1, 0, 0)));
    }

    // ---- Line endings (RFC 9112 section 2.2) ----

    [Test]
    public void BareLfLineEndings_AreAccepted_AndTheHeadEndsAtTheFirstEmptyLine()
    {
        byte[] input = [.. Ascii("GET /ws HTTP/1.1\nHost: x\r\nUpgrade: websocket\n\n"), .. FrameAfterHead];
        var parser = new RequestHeadParser();

        HeadParseStatus status = parser.Feed(input, out int consumed);

        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(parser.Head!.GetHeader("Upgrade"), Is.EqualTo("websocket"));
        Assert.That(input[consumed..], Is.EqualTo(FrameAfterHead));
    }

    [TestCase("GET / HTTP/1.1\rHost: x\r\n\r\n", TestName = "CrNotFollowedByLf_AfterTheRequestLine_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", TestName = "CrNotFollowedByLf_InsideAValue_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost: x\r\n\r\r\n", TestName = "CrNotFollowedByLf_InTheBlankLine_IsMalformed")]
    public void BareCr_IsMalformed(string text) =>
        Assert.That(Status(text), Is.EqualTo(HeadParseStatus.Malformed));

    [Test]
    public void BareCr_IsReportedOnTheByteAfterIt_EvenAcrossFeeds()
    {
        var parser = new RequestHeadParser();
        Assert.That(parser.Feed(Ascii("GET / HTTP/1.1\r"), out _), Is.EqualTo(HeadParseStatus.NeedMoreData));

        HeadParseStatus status = parser.Feed(Ascii("Host: x\r\n\r\n"), out int consumed);

        Assert.That(status, Is.EqualTo(HeadParseStatus.Malformed));
        Assert.That(consumed, Is.EqualTo(1));
    }

    // ---- Field syntax (RFC 9112 section 5) ----

    [TestCase("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", TestName = "ObsoleteLineFolding_WithSpace_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", TestName = "ObsoleteLineFolding_WithTab_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\n Host: x\r\n\r\n", TestName = "WhiteSpaceBeforeTheFirstField_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost : x\r\n\r\n", TestName = "SpaceBeforeTheColon_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", TestName = "TabBeforeTheColon_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\n: x\r\n\r\n", TestName = "EmptyFieldName_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHo(st: x\r\n\r\n", TestName = "FieldNameWithADelimiter_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nHost x\r\n\r\n", TestName = "FieldLineWithoutAColon_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", TestName = "NulInAValue_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: a\u001Bb\r\n\r\n", TestName = "EscapeInAValue_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: a\u007Fb\r\n\r\n", TestName = "DelInAValue_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-A: caf\u00C3\u00A9\r\n\r\n", TestName = "NonAsciiInAValue_IsMalformed")]
    [TestCase("GET / HTTP/1.1\r\nX-\u00E9: x\r\n\r\n", TestName = "NonAsciiInAName_IsMalformed")]
    public void InvalidFieldLine_IsMalformed(string text) =>
        Assert.That(Status(text), Is.EqualTo(HeadParseStatus.Malformed));

    // ---- Request line (RFC 9112 section 3) ----

    [TestCase("GET  / HTTP/1.1\r\n\r\n", TestName = "DoubleSpaceAfterTheMethod_IsMalformed")]
    [TestCase("GET /  HTTP/1.1\r\n\r\n", TestName = "DoubleSpaceAfterTheTarget_IsMalformed")]
    [TestCase("GET / HTTP/1.1 \r\n\r\n", TestName = "TrailingSpaceAfterTheVersion_IsMalformed")]
    [TestCase(" GET / HTTP/1.1\r\n\r\n", TestName = "LeadingSpaceBeforeTheMethod_IsMalformed")]
    [TestCase("GET\t/ HTTP/1.1\r\n\r\n", TestName = "TabAsSeparator_IsMalformed")]
    [TestCase("GET /\r\n\r\n", TestName = "RequestLineWithoutVersion_IsMalformed")]
    [TestCase("GET\r\n\r\n", TestName = "RequestLineWithOnlyAMethod_IsMalformed")]
    [TestCase("G(T / HTTP/1.1\r\n\r\n", TestName = "MethodThatIsNotAToken_IsMalformed")]
    [TestCase("GET /a\u0001b HTTP/1.1\r\n\r\n", TestName = "ControlByteInTheTarget_IsMalformed")]
    [TestCase("GET /caf\u00E9 HTTP/1.1\r\n\r\n", TestName = "NonAsciiInTheTarget_IsMalformed")]
    [TestCase("GET / http/1.1\r\n\r\n", TestName = "LowercaseHttpName_IsMalformed")]
    [TestCase("GET / HTTP/1.10\r\n\r\n", TestName = "TwoDigitMinorVersion_IsMalformed")]
    [TestCase("GET / HTTP/11\r\n\r\n", TestName = "VersionWithoutDot_IsMalformed")]
    [TestCase("GET / HTTP/x.1\r\n\r\n", TestName = "NonDigitMajorVersion_IsMalformed")]
    [TestCase("GET / HTTP/1.1\u0000\r\n\r\n", TestName = "NulAfterTheVersion_IsMalformed")]
    public void InvalidRequestLine_IsMalformed(string text) =>
        Assert.That(Status(text), Is.EqualTo(HeadParseStatus.Malformed));

    [Test]
    public void VersionDigits_AreReportedAsSent()
    {
        RequestHead head = Parse("OPTIONS * HTTP/2.7\r\n\r\n");

        Assert.That((head.Method, head.Target, head.VersionMajor, head.VersionMinor), Is.EqualTo(("OPTIONS", "*", 2, 7)));
    }

    // ---- Size limit ----

    /// <summary>A head of exactly <paramref name="size"/> bytes: a request line, one padding field, the blank line.</summary>
    private static string HeadOfSize(int size)
    {
        const string prefix = "GET / HTTP/1.1\r\nX-Pad: ";
        const string suffix = "\r\n\r\n";
        return prefix + new string('p', size - prefix.Length - suffix.Length) + suffix;
    }

    [Test]
    public void HeadOfExactlyTheLimit_IsComplete()
    {
        Assert.That(Status(HeadOfSize(1000), maxHeadBytes: 1000), Is.EqualTo(HeadParseStatus.Complete));
    }

    [Test]
    public void HeadOneByteOverTheLimit_IsTooLarge()
    {
        Assert.That(Status(HeadOfSize(1001), maxHeadBytes: 1000), Is.EqualTo(HeadParseStatus.TooLarge));
    }

    [Test]
    public void DefaultLimit_Is8KiB()
    {
        Assert.That(RequestHeadParser.DefaultMaxHeadBytes, Is.EqualTo(8192));
        Assert.That(Status(HeadOfSize(8192)), Is.EqualTo(HeadParseStatus.Complete));
        Assert.That(Status(HeadOfSize(8193)), Is.EqualTo(HeadParseStatus.TooLarge));
    }

    [Test]
    public void EndlessHeadInOneFeed_IsTooLargeWithoutConsumingPastTheLimit()
    {
        byte[] flood = Ascii("GET / HTTP/1.1\r\nX-Pad: " + new string('p', 1 << 20));
        var parser = new RequestHeadParser(1000);

        HeadParseStatus status = parser.Feed(flood, out int consumed);

        Assert.That(status, Is.EqualTo(HeadParseStatus.TooLarge));
        Assert.That(consumed, Is.EqualTo(1000));
    }

    [Test]
    public void EndlessHeadByteByByte_IsTooLargeOnTheByteThatReachesTheLimit()
    {
        byte[] flood = Ascii("GET / HTTP/1.1\r\nX-Pad: " + new string('p', 2000));
        var parser = new RequestHeadParser(1000);

        for (int i = 0; i < 999; i++)
        {
            Assert.That(parser.Feed(flood.AsSpan(i, 1), out _), Is.EqualTo(HeadParseStatus.NeedMoreData), $"byte {i}");
        }
        Assert.That(parser.Feed(flood.AsSpan(999, 1), out _), Is.EqualTo(HeadParseStatus.TooLarge));
    }

    [Test]
    public void EndlessEmptyLinesBeforeTheRequestLine_CountAgainstTheLimit()
    {
        Assert.That(Status(string.Concat(Enumerable.Repeat("\r\n", 600)), maxHeadBytes: 1000),
                    Is.EqualTo(HeadParseStatus.TooLarge));
    }

    [Test]
    public void ZeroLimit_IsRefused()
    {
        Assert.That(() => new RequestHeadParser(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
