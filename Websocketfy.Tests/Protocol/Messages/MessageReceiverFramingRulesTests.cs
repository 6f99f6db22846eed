using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>RFC 6455 section 5 header rules: each breach fails the connection with 1002.</summary>
public class MessageReceiverFramingRulesTests
{
    private static Received Receive(byte[] wire) => ReceiverDriver.Single(new MessageReceiver(1 << 20), wire);

    private static void AssertProtocolError(Received e, string reason)
    {
        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason), Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.ProtocolError, reason)));
    }

    [Test]
    public void UnmaskedClientFrame_ClosesWith1002()
    {
        // FIN=1 op=text | MASK=0 len=5 | "Hello"
        byte[] wire = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F];

        AssertProtocolError(Receive(wire), ClientFrameRules.NotMasked);
    }

    [TestCase((byte)0x40)] // RSV1
    [TestCase((byte)0x20)] // RSV2
    [TestCase((byte)0x10)] // RSV3
    public void RsvBitWithoutExtension_ClosesWith1002(byte rsvBit)
    {
        // FIN=1 RSV=rsvBit op=binary | MASK=1 len=0 | mask
        byte[] wire = [(byte)(0x82 | rsvBit), 0x80, 1, 2, 3, 4];

        AssertProtocolError(Receive(wire), ClientFrameRules.RsvSet);
    }

    [TestCase((byte)0x3)]
    [TestCase((byte)0x4)]
    [TestCase((byte)0x5)]
    [TestCase((byte)0x6)]
    [TestCase((byte)0x7)]
    [TestCase((byte)0xB)]
    [TestCase((byte)0xC)]
    [TestCase((byte)0xD)]
    [TestCase((byte)0xE)]
    [TestCase((byte)0xF)]
    public void ReservedOpcode_ClosesWith1002(byte opcode)
    {
        // FIN=1 op=reserved | MASK=1 len=0 | mask
        byte[] wire = [(byte)(0x80 | opcode), 0x80, 1, 2, 3, 4];

        AssertProtocolError(Receive(wire), ClientFrameRules.ReservedOpcode);
    }

    [TestCase((byte)0x8)] // close
    [TestCase((byte)0x9)] // ping
    [TestCase((byte)0xA)] // pong
    public void ControlFrameWithoutFin_ClosesWith1002(byte opcode)
    {
        // FIN=0 op=control | MASK=1 len=0 | mask
        byte[] wire = [opcode, 0x80, 1, 2, 3, 4];

        AssertProtocolError(Receive(wire), ClientFrameRules.FragmentedControl);
    }

    [Test]
    public void ControlFrameOf126Bytes_ClosesWith1002BeforeItsPayloadArrives()
    {
        // FIN=1 op=ping | MASK=1 len=126 -> 16-bit 0x007E | mask | (no payload yet)
        byte[] wire = [0x89, 0xFE, 0x00, 0x7E, 1, 2, 3, 4];

        AssertProtocolError(Receive(wire), ClientFrameRules.ControlTooLong);
    }

    [Test]
    public void ControlFrameOf125Bytes_IsAccepted()
    {
        byte[] wire = ClientFrames.Frame(Opcode.Ping, new byte[125]);

        Assert.That(Receive(wire).Kind, Is.EqualTo(ReceiveEventKind.Ping));
    }

    [Test]
    public void SixtyFourBitLengthWithTopBitSet_ClosesWith1002()
    {
        // FIN=1 op=binary | MASK=1 len=127 -> 64-bit 0x8000_0000_0000_0001 | mask
        byte[] wire = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0x01, 1, 2, 3, 4];

        AssertProtocolError(Receive(wire), FrameHeaderCodec.TopBitSetError);
    }

    [Test]
    public void ContinuationWithoutAStartedMessage_ClosesWith1002()
    {
        byte[] wire = ClientFrames.Continuation("x"u8);

        AssertProtocolError(Receive(wire), ClientFrameRules.ContinuationWithoutMessage);
    }

    [Test]
    public void ContinuationAfterAFinishedMessage_ClosesWith1002()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Text("done"), ClientFrames.Continuation("x"u8));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        AssertProtocolError(events[^1], ClientFrameRules.ContinuationWithoutMessage);
    }

    [TestCase(Opcode.Text)]
    [TestCase(Opcode.Binary)]
    public void NewDataFrameInsideAFragmentedMessage_ClosesWith1002(Opcode interloper)
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Text("part", fin: false), ClientFrames.Frame(interloper, "new"u8));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events[0].Kind, Is.EqualTo(ReceiveEventKind.DataFragment));
        AssertProtocolError(events[^1], ClientFrameRules.DataInsideFragmentedMessage);
    }

    [Test]
    public void AnyCallAfterAProtocolError_IsAProtocolError()
    {
        var receiver = new MessageReceiver(1024);
        // FIN=1 op=text | MASK=0 len=0
        receiver.Next(new byte[] { 0x81, 0x00 }, out _);

        byte[] valid = ClientFrames.Text("fine");
        ReceiveEvent after = receiver.Next(valid, out int consumed);

        Assert.That((after.Kind, after.ErrorStatus, after.ErrorReason, consumed),
            Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.ProtocolError, MessageReceiver.DataAfterClose, 0)));
    }
}
