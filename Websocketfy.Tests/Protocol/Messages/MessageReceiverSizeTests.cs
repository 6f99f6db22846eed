using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>The message size limit is judged from declared frame lengths, before payload is read (1009).</summary>
public class MessageReceiverSizeTests
{
    private static void AssertTooBig(Received e) =>
        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason),
            Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.MessageTooBig, ClientFrameRules.MessageTooBig)));

    [Test]
    public void FrameDeclaringMoreThanTheLimit_ClosesWith1009AtItsHeader()
    {
        // FIN=1 op=binary | MASK=1 len=126 -> 16-bit 0x0401 = 1025 | mask | (no payload sent)
        byte[] header = [0x82, 0xFE, 0x04, 0x01, 1, 2, 3, 4];

        Received e = ReceiverDriver.Single(new MessageReceiver(1024), header);

        AssertTooBig(e);
    }

    [Test]
    public void FrameOfExactlyTheLimit_IsAccepted()
    {
        byte[] wire = ClientFrames.Binary(new byte[1024]);

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(ReceiverDriver.Messages(events).Single().Payload, Has.Length.EqualTo(1024));
    }

    [Test]
    public void FragmentsAddingUpBeyondTheLimit_CloseWith1009AtTheOffendingHeader()
    {
        byte[] continuation = ClientFrames.Continuation(new byte[5]);
        byte[] wire = ClientFrames.Concat(ClientFrames.Binary(new byte[6], fin: false), continuation[..6]);

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(10), wire);

        Assert.That(events[0].Kind, Is.EqualTo(ReceiveEventKind.DataFragment));
        AssertTooBig(events[^1]);
    }

    [Test]
    public void FragmentsAddingUpToTheLimit_AreAccepted()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Binary(new byte[6], fin: false), ClientFrames.Continuation(new byte[5]));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(11), wire);

        Assert.That(ReceiverDriver.Messages(events).Single().Payload, Has.Length.EqualTo(11));
    }

    [Test]
    public void EachMessage_StartsItsOwnCount()
    {
        // 8 bytes, then a fragmented 4 + 4 bytes: 16 in all, but no message above 10.
        byte[] wire = ClientFrames.Concat(
            ClientFrames.Binary(new byte[8]),
            ClientFrames.Text("1234", fin: false),
            ClientFrames.Continuation("5678"u8));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(10), wire);

        Assert.That(ReceiverDriver.Messages(events).Select(m => m.Payload.Length), Is.EqualTo(new[] { 8, 8 }));
    }

    [Test]
    public void ControlFramesBetweenFragments_DoNotCount()
    {
        byte[] wire = ClientFrames.Concat(
            ClientFrames.Binary(new byte[6], fin: false),
            ClientFrames.Frame(Opcode.Ping, new byte[100]),
            ClientFrames.Continuation(new byte[4]));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(10), wire);

        Assert.That(ReceiverDriver.Messages(events).Single().Payload, Has.Length.EqualTo(10));
    }

    [Test]
    public void LargestDeclarableLength_IsRefusedWithoutOverflow()
    {
        // FIN=1 op=binary | MASK=1 len=127 -> 64-bit 0x7FFF_FFFF_FFFF_FFFF | mask
        byte[] header = [0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4];

        Received e = ReceiverDriver.Single(new MessageReceiver(1 << 20), header);

        AssertTooBig(e);
    }
}
