using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>Text messages must be valid UTF-8, checked as the payload arrives (1007).</summary>
public class MessageReceiverUtf8Tests
{
    private static void AssertInvalidPayload(Received e) =>
        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason),
            Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.InvalidPayload, MessageReceiver.InvalidUtf8)));

    [TestCase(new byte[] { 0xC0, 0x80 })]                   // overlong NUL
    [TestCase(new byte[] { 0xE0, 0x80, 0x80 })]             // overlong 3-byte
    [TestCase(new byte[] { 0xF0, 0x80, 0x80, 0x80 })]       // overlong 4-byte
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]             // surrogate U+D800
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]       // U+110000
    [TestCase(new byte[] { 0xF5, 0x80, 0x80, 0x80 })]       // lead beyond F4
    [TestCase(new byte[] { 0xFF })]
    public void InvalidTextMessage_ClosesWith1007(byte[] payload)
    {
        Received e = ReceiverDriver.Single(new MessageReceiver(1024), ClientFrames.Frame(Opcode.Text, payload));

        AssertInvalidPayload(e);
    }

    [Test]
    public void InvalidBinaryMessage_IsJustBytes()
    {
        Received e = ReceiverDriver.Single(new MessageReceiver(1024), ClientFrames.Binary([0xC0, 0x80, 0xFF]));

        Assert.That((e.Kind, e.EndOfMessage), Is.EqualTo((ReceiveEventKind.DataFragment, true)));
    }

    [Test]
    public void InvalidFirstFragment_FailsBeforeTheMessageEnds()
    {
        // Only the first (non-final) fragment has arrived; its surrogate is already certain.
        byte[] wire = ClientFrames.Frame(Opcode.Text, [0x61, 0xED, 0xA0, 0x80], fin: false);

        Received e = ReceiverDriver.Single(new MessageReceiver(1024), wire);

        AssertInvalidPayload(e);
    }

    [Test]
    public void InvalidBytesInAPartlyArrivedFrame_FailAtOnce()
    {
        // A 100-byte text frame of which only "ab" F4 90 has arrived: nothing after F4 90 can be valid.
        byte[] payload = [0x61, 0x62, 0xF4, 0x90, .. new byte[96]];
        byte[] wire = ClientFrames.Frame(Opcode.Text, payload);
        var receiver = new MessageReceiver(1024);

        ReceiveEvent e = receiver.Next(wire.AsSpan(0, 6 + 4), out _);

        Assert.That((e.Kind, e.ErrorStatus), Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.InvalidPayload)));
    }

    [Test]
    public void TruncatedSequenceAtEndOfMessage_ClosesWith1007()
    {
        // "a" then the first two bytes of € (E2 82 AC)
        Received e = ReceiverDriver.Single(new MessageReceiver(1024), ClientFrames.Frame(Opcode.Text, [0x61, 0xE2, 0x82]));

        AssertInvalidPayload(e);
    }

    [Test]
    public void TruncatedSequenceEndedByAnEmptyFinalFrame_ClosesWith1007()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Frame(Opcode.Text, [0x61, 0xE2, 0x82], fin: false), ClientFrames.Continuation([]));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events[0].Kind, Is.EqualTo(ReceiveEventKind.DataFragment));
        AssertInvalidPayload(events[^1]);
    }

    [TestCase(new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]       // U+1F600
    [TestCase(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]       // U+10FFFF
    public void FourByteCodePointSplitAcrossFragmentsAtEveryPosition_IsValid(byte[] codePoint)
    {
        for (int cut = 0; cut <= codePoint.Length; cut++)
        {
            byte[] wire = ClientFrames.Concat(
                ClientFrames.Frame(Opcode.Text, [0x78, .. codePoint[..cut]], fin: false),
                ClientFrames.Continuation([.. codePoint[cut..], 0x79]));

            List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

            Assert.That(ReceiverDriver.Messages(events).Single().Payload, Is.EqualTo((byte[])[0x78, .. codePoint, 0x79]), $"cut at {cut}");
        }
    }

    [Test]
    public void CodePointSplitAcrossPartialReads_IsValid()
    {
        byte[] text = "κόσμε 😀 €"u8.ToArray();
        byte[] wire = ClientFrames.Frame(Opcode.Text, text);

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire, readSize: 1);

        Assert.That(ReceiverDriver.Messages(events).Single().Payload, Is.EqualTo(text));
    }
}
