using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>The handshake oracle must accept what the real parser and validator do with valid input
/// and flag each kind of contract breach; otherwise a green fuzz run proves nothing.</summary>
public class HandshakeOracleTests
{
    private const string Minimal =
        "GET / HTTP/1.1\r\n" +
        "Host: example.test\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n";

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string? CheckRun(byte[] bytes, int limit, HeadRun run) =>
        FuzzHandshakeOracle.CheckRun(bytes, limit, FuzzHeadReference.Outline(bytes), run, "test");

    [Test]
    public void Outline_EndsTheHeadAtTheFirstBlankLineAfterTheRequestLine()
    {
        const string head = "\r\n\nGET / HTTP/1.1\r\nA: b\nC: d\r\n\r\n";

        HeadOutline outline = FuzzHeadReference.Outline(Ascii(head + "frames"));

        Assert.That(outline, Is.EqualTo(new HeadOutline(HeadShape.Ended, head.Length, FieldLines: 2)));
    }

    [Test]
    public void Outline_StopsAtACarriageReturnNotFollowedByLineFeed()
    {
        HeadOutline outline = FuzzHeadReference.Outline(Ascii("GET / HTTP/1.1\rX\r\n\r\n"));

        // CR at offset 14, the offending X at 15: 16 bytes up to and including it.
        Assert.That(outline.Shape, Is.EqualTo(HeadShape.BareCarriageReturn));
        Assert.That(outline.Position, Is.EqualTo(16));
    }

    [Test]
    public void Outline_IsOpenWhileNoBlankLineFollowsTheRequestLine()
    {
        Assert.That(FuzzHeadReference.Outline(Ascii("GET / HTTP/1.1\r\nA: b\r")).Shape, Is.EqualTo(HeadShape.Open));
    }

    [Test]
    public void CheckRun_AcceptsTheParsersRunOverAValidRequest()
    {
        byte[] bytes = Ascii(Minimal + "\x81\x85");

        Assert.That(CheckRun(bytes, 8192, FuzzHandshakeOracle.RunWhole(bytes, 8192)), Is.Null);
    }

    [Test]
    public void CheckRun_FlagsTooLargeBeforeTheLimitWasConsumed()
    {
        byte[] bytes = Ascii(Minimal);

        Assert.That(CheckRun(bytes, 64, new HeadRun(HeadParseStatus.TooLarge, 63, null, 0)), Does.Contain("TooLarge"));
    }

    [Test]
    public void CheckRun_FlagsTooLargeWhenTheHeadEndsWithinTheLimit()
    {
        byte[] bytes = Ascii(Minimal + "trailing frame bytes");
        int limit = Minimal.Length + 5;

        Assert.That(CheckRun(bytes, limit, new HeadRun(HeadParseStatus.TooLarge, limit, null, 0)), Does.Contain("within the limit"));
    }

    [Test]
    public void CheckRun_FlagsCompleteAnywhereButAfterTheBlankLine()
    {
        byte[] bytes = Ascii(Minimal);
        HeadRun real = FuzzHandshakeOracle.RunWhole(bytes, 8192);

        Assert.That(CheckRun(bytes, 8192, real with { Consumed = Minimal.Length - 2 }), Does.Contain("Complete after"));
    }

    [Test]
    public void CheckRun_FlagsNeedMoreDataThatLeftBytesUnconsumed()
    {
        byte[] bytes = Ascii("GET / HTTP/1.1\r\nHost: a");

        Assert.That(CheckRun(bytes, 8192, new HeadRun(HeadParseStatus.NeedMoreData, 10, null, 0)), Does.Contain("NeedMoreData"));
    }

    [Test]
    public void CheckRun_FlagsMalformedPastTheFirstBareCarriageReturn()
    {
        byte[] bytes = Ascii("GET / HTTP/1.1\rXYZ");

        Assert.That(CheckRun(bytes, 8192, new HeadRun(HeadParseStatus.Malformed, 18, null, 0)), Does.Contain("Malformed"));
    }

    [Test]
    public void CheckRun_FlagsAllocationBeyondTheAllowance()
    {
        byte[] bytes = Ascii(Minimal);
        HeadRun real = FuzzHandshakeOracle.RunWhole(bytes, 8192);
        long allowance = FuzzHandshakeOracle.AllocationAllowance(bytes);

        Assert.That(CheckRun(bytes, 8192, real with { AllocatedBytes = allowance + 1 }), Does.Contain(FuzzCampaign.AllocationTag));
    }

    [Test]
    public void CheckHead_FlagsAFieldValueWithSurroundingWhiteSpace()
    {
        var head = new RequestHead("GET", "/", 1, 1, [new("Host", " example.test")]);

        Assert.That(FuzzHandshakeOracle.CheckHead(head, new HeadOutline(HeadShape.Ended, 0, FieldLines: 1)), Does.Contain("field value"));
    }

    [Test]
    public void CheckHead_FlagsAFieldCountOtherThanTheFieldLines()
    {
        var head = new RequestHead("GET", "/", 1, 1, [new("Host", "example.test")]);

        Assert.That(FuzzHandshakeOracle.CheckHead(head, new HeadOutline(HeadShape.Ended, 0, FieldLines: 2)), Does.Contain("field lines"));
    }

    [Test]
    public void CompareRuns_FlagsHeadsWithDifferentFields()
    {
        var whole = new HeadRun(HeadParseStatus.Complete, 30, new RequestHead("GET", "/", 1, 1, [new("A", "1")]), 0);
        var split = whole with { Head = new RequestHead("GET", "/", 1, 1, [new("A", "2")]) };

        Assert.That(FuzzHandshakeOracle.CompareRuns(whole, split), Does.Contain("differs"));
    }

    [Test]
    public void CheckDecision_AcceptsTheValidatorsAnswerToAValidRequest()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal), 8192).Head!;
        HandshakeDecision decision = HandshakeValidator.Decide(head, FuzzHandshakeCorpus.Open);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.Open, decision), Is.Null);
    }

    [Test]
    public void CheckDecision_FlagsAnUpgradeGrantedWithoutHost()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal.Replace("Host: example.test\r\n", "")), 8192).Head!;
        var granted = new HandshakeDecision(HandshakeOutcome.Upgrade, 101, "", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", null);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.Open, granted), Does.Contain("broken: Host"));
    }

    [Test]
    public void CheckDecision_FlagsAnUpgradeWithTheWrongAcceptKey()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal), 8192).Head!;
        var granted = new HandshakeDecision(HandshakeOutcome.Upgrade, 101, "", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", null);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.Open, granted), Does.Contain("accept key"));
    }

    [Test]
    public void CheckDecision_FlagsARefusalOfAValidRequest()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal), 8192).Head!;
        var refused = new HandshakeDecision(HandshakeOutcome.Reject, 426, "version", null, null);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.Open, refused), Does.Contain("independent reading gives Upgrade 101"));
    }

    [Test]
    public void CheckDecision_FlagsAnUpgradeWithoutTheSubprotocolTheClientOffered()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal.Replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: x, chat\r\n\r\n")), 8192).Head!;
        HandshakeDecision real = HandshakeValidator.Decide(head, FuzzHandshakeCorpus.PageOriginWithChat);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.PageOriginWithChat, real), Is.Null);
        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.PageOriginWithChat, real with { Subprotocol = null }), Does.Contain("subprotocol chat"));
    }

    [Test]
    public void CheckDecision_FlagsARejectWithAStatusTheValidatorNeverUses()
    {
        RequestHead head = FuzzHandshakeOracle.RunWhole(Ascii(Minimal), 8192).Head!;
        var refused = new HandshakeDecision(HandshakeOutcome.Reject, 418, "teapot", null, null);

        Assert.That(FuzzHandshakeOracle.CheckDecision(head, FuzzHandshakeCorpus.Open, refused), Does.Contain("418"));
    }

    [Test]
    public void CheckExpectedDecision_FlagsAnotherSubprotocol()
    {
        var decision = new HandshakeDecision(HandshakeOutcome.Upgrade, 101, "", "key", "superchat");
        var expected = new HandshakeExpectation(HeadParseStatus.Complete, HandshakeOutcome.Upgrade, 101, "chat");

        Assert.That(FuzzHandshakeOracle.CheckExpectedDecision(decision, expected), Does.Contain("subprotocol"));
    }
}
