using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>The frame oracle must pass what a correct receiver reports and flag each kind of contract
/// breach; otherwise a green fuzz run proves nothing.</summary>
public class FrameOracleTests
{
    private static ReceiveEvent Data(Opcode opcode, ReadOnlySpan<byte> payload, bool end) =>
        new() { Kind = ReceiveEventKind.DataFragment, MessageOpcode = opcode, Payload = payload, EndOfMessage = end, CloseReason = "", ErrorReason = "" };

    private static ReceiveEvent Error(ushort status) =>
        new() { Kind = ReceiveEventKind.ProtocolError, ErrorStatus = status, ErrorReason = "broken", CloseReason = "" };

    private static ReceiveEvent Close(ReadOnlySpan<byte> payload, ushort status, string reason) =>
        new() { Kind = ReceiveEventKind.Close, Payload = payload, CloseStatus = status, CloseReason = reason, ErrorReason = "" };

    private static ReceiveEvent NeedMoreData() =>
        new() { Kind = ReceiveEventKind.NeedMoreData, CloseReason = "", ErrorReason = "" };

    [Test]
    public void Observe_AcceptsADataFragmentTakenFromTheConsumedBytes()
    {
        byte[] input = [1, 2, 3, 4, 5, 6];

        Assert.That(FuzzFrameOracle.Observe(Data(Opcode.Binary, input.AsSpan(2, 4), end: true), input, 6, 0, 100, new FrameEventLog()), Is.Null);
    }

    [Test]
    public void Observe_FlagsADataFragmentThatAllocated()
    {
        byte[] input = [1, 2, 3, 4, 5, 6];

        string? violation = FuzzFrameOracle.Observe(Data(Opcode.Binary, input.AsSpan(2, 4), end: true), input, 6, allocated: 24, 100, new FrameEventLog());

        Assert.That(violation, Does.Contain(FuzzCampaign.AllocationTag));
    }

    [Test]
    public void Observe_LetsACloseAllocateItsReason()
    {
        // Close payload: status 1000 (03 E8), reason "ok".
        byte[] input = [0x88, 0x84, 0, 0, 0, 0, 0x03, 0xE8, (byte)'o', (byte)'k'];

        string? violation = FuzzFrameOracle.Observe(Close(input.AsSpan(6), 1000, "ok"), input, input.Length, allocated: 48, 100, new FrameEventLog());

        Assert.That(violation, Is.Null);
    }

    [Test]
    public void Observe_FlagsACloseWithAStatusNotAllowedOnTheWire()
    {
        // Close payload: status 1005 (03 ED), which is for local reporting only.
        byte[] input = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xED];

        string? violation = FuzzFrameOracle.Observe(Close(input.AsSpan(6), 1005, ""), input, input.Length, 0, 100, new FrameEventLog());

        Assert.That(violation, Does.Contain("1005"));
    }

    [Test]
    public void Observe_FlagsAMessageLongerThanTheLimit()
    {
        byte[] input = new byte[12];
        var log = new FrameEventLog();
        Assert.That(FuzzFrameOracle.Observe(Data(Opcode.Binary, input.AsSpan(0, 8), end: false), input, 8, 0, 10, log), Is.Null);

        string? violation = FuzzFrameOracle.Observe(Data(Opcode.Binary, input.AsSpan(8, 4), end: true), input, 12, 0, 10, log);

        Assert.That(violation, Does.Contain("more than 10 bytes"));
    }

    [Test]
    public void Observe_FlagsNeedMoreDataWithAWholeControlFrameAtHand()
    {
        byte[] input = new byte[MessageReceiver.MinimumBufferSize];

        Assert.That(FuzzFrameOracle.Observe(NeedMoreData(), input.AsSpan(1), 0, 0, 100, new FrameEventLog()), Is.Null);
        Assert.That(FuzzFrameOracle.Observe(NeedMoreData(), input, 0, 0, 100, new FrameEventLog()), Does.Contain("NeedMoreData"));
    }

    [Test]
    public void Observe_FlagsAPayloadOutsideTheConsumedBytes()
    {
        byte[] input = [1, 2, 3, 4, 5, 6];

        string? violation = FuzzFrameOracle.Observe(Data(Opcode.Binary, input.AsSpan(2, 4), end: true), input, 4, 0, 100, new FrameEventLog());

        Assert.That(violation, Does.Contain("does not lie within"));
    }

    [Test]
    public void Observe_FlagsATextMessageThatIsNotValidUtf8()
    {
        // The last byte opens a two-byte sequence that the message's end cuts short.
        byte[] input = [0x81, 0x82, 0, 0, 0, 0, (byte)'a', 0xC3];

        string? violation = FuzzFrameOracle.Observe(Data(Opcode.Text, input.AsSpan(6), end: true), input, input.Length, 0, 100, new FrameEventLog());

        Assert.That(violation, Does.Contain("not valid UTF-8"));
    }

    [Test]
    public void Observe_FlagsAProtocolErrorWithAStatusOtherThan1002Or1007Or1009()
    {
        Assert.That(FuzzFrameOracle.Observe(Error(CloseStatus.MessageTooBig), [], 0, 0, 100, new FrameEventLog()), Is.Null);
        Assert.That(FuzzFrameOracle.Observe(Error(CloseStatus.UnsupportedData), [], 0, 0, 100, new FrameEventLog()), Does.Contain("1003"));
    }

    [Test]
    public void Difference_FlagsAMessageWithOtherBytes()
    {
        var expected = new FrameEventLog();
        expected.AppendData(Opcode.Text, "Hi"u8, endOfMessage: true);
        var actual = new FrameEventLog();
        actual.AppendData(Opcode.Text, "Ho"u8, endOfMessage: true);

        Assert.That(FrameEventLog.Difference(expected, actual, OpenMessageRule.Exact, compareReasons: false), Does.Contain("event 0"));
    }

    [Test]
    public void Difference_AcceptsAShorterUnfinishedMessageOnlyUnderThePrefixRule()
    {
        var expected = new FrameEventLog();
        expected.AppendData(Opcode.Text, "abc"u8, endOfMessage: false);
        expected.EndWithError(CloseStatus.InvalidPayload, "");
        var actual = new FrameEventLog();
        actual.AppendData(Opcode.Text, "ab"u8, endOfMessage: false);
        actual.EndWithError(CloseStatus.InvalidPayload, "invalid");

        Assert.That(FrameEventLog.Difference(expected, actual, OpenMessageRule.ActualIsPrefix, compareReasons: false), Is.Null);
        Assert.That(FrameEventLog.Difference(expected, actual, OpenMessageRule.Exact, compareReasons: false), Does.Contain("unfinished message"));
    }

    [Test]
    public void Difference_FlagsAnotherErrorStatus()
    {
        var expected = new FrameEventLog();
        expected.EndWithError(CloseStatus.MessageTooBig, "");
        var actual = new FrameEventLog();
        actual.EndWithError(CloseStatus.ProtocolError, "message too big");

        Assert.That(FrameEventLog.Difference(expected, actual, OpenMessageRule.Exact, compareReasons: false), Does.Contain("1009"));
    }

    /// <summary>"Hi" as two masked fragments with a ping between them, then a close 1000.</summary>
    private static byte[] HandBuiltStream() =>
    [
        0x01, 0x81, 0x00, 0x00, 0x00, 0x00, (byte)'H',  // FIN=0 op=text MASK=1 len=1 key=0 "H"
        0x89, 0x81, 0x00, 0x00, 0x00, 0x00, 0x2A,       // FIN=1 op=ping MASK=1 len=1 key=0 payload 2A
        0x80, 0x81, 0x01, 0x02, 0x03, 0x04, (byte)('i' ^ 0x01), // FIN=1 op=cont MASK=1 len=1 key=01020304 "i"
        0x88, 0x82, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8, // FIN=1 op=close MASK=1 len=2 status 1000
    ];

    private static FrameFuzzInput HandBuiltCase(string expectedText)
    {
        var expected = new FrameEventLog();
        expected.AddControl(ReceiveEventKind.Ping, [0x2A]);
        expected.AppendData(Opcode.Text, System.Text.Encoding.UTF8.GetBytes(expectedText), endOfMessage: true);
        expected.EndWithClose(CloseStatus.Normal, [0x03, 0xE8]);
        return new FrameFuzzInput(HandBuiltStream(), 100, MessageReceiver.MinimumBufferSize, ReadSeed: 7, expected, OpenMessageRule.Exact, "hand-built");
    }

    [Test]
    public void Check_PassesAHandBuiltStreamAgainstItsExpectedEvents()
    {
        Assert.That(new FuzzFrameOracle().Check(HandBuiltCase("Hi"), out string outcome), Is.Null);
        Assert.That(outcome, Is.EqualTo("close"));
    }

    [Test]
    public void Check_FlagsEventsThatDifferFromTheExpectedOnes()
    {
        Assert.That(new FuzzFrameOracle().Check(HandBuiltCase("Ho"), out _), Does.Contain("differ from the grammar"));
    }
}
