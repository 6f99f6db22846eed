using System.Text;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>Ping, Pong and Close: reported whole, close payload validated.</summary>
public class MessageReceiverControlTests
{
    private static Received Receive(byte[] wire) => ReceiverDriver.Single(new MessageReceiver(1024), wire);

    [Test]
    public void Ping_IsReportedWithItsUnmaskedPayload()
    {
        Received e = Receive(ClientFrames.Frame(Opcode.Ping, "echo me"u8));

        Assert.That((e.Kind, Encoding.ASCII.GetString(e.Payload)), Is.EqualTo((ReceiveEventKind.Ping, "echo me")));
    }

    [Test]
    public void Pong_IsReported()
    {
        Received e = Receive(ClientFrames.Frame(Opcode.Pong, "late"u8));

        Assert.That((e.Kind, Encoding.ASCII.GetString(e.Payload)), Is.EqualTo((ReceiveEventKind.Pong, "late")));
    }

    [Test]
    public void PartialPing_ConsumesNothingUntilWhole()
    {
        byte[] wire = ClientFrames.Frame(Opcode.Ping, "0123456789"u8);
        var receiver = new MessageReceiver(1024);

        ReceiveEvent partial = receiver.Next(wire.AsSpan(0, wire.Length - 1), out int consumedPartial);
        ReceiveEvent whole = receiver.Next(wire, out int consumedWhole);

        Assert.That((partial.Kind, consumedPartial), Is.EqualTo((ReceiveEventKind.NeedMoreData, 0)));
        Assert.That((whole.Kind, consumedWhole), Is.EqualTo((ReceiveEventKind.Ping, wire.Length)));
        Assert.That(whole.Payload.ToArray(), Is.EqualTo("0123456789"u8.ToArray()));
    }

    [Test]
    public void PingBetweenFragments_IsReportedAndTheMessageGoesOn()
    {
        byte[] wire = ClientFrames.Concat(
            ClientFrames.Binary([1], fin: false),
            ClientFrames.Frame(Opcode.Ping, [9]),
            ClientFrames.Continuation([2]));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events.Select(e => (e.Kind, e.EndOfMessage, e.Payload[0])), Is.EqualTo(new[]
        {
            (ReceiveEventKind.DataFragment, false, (byte)1),
            (ReceiveEventKind.Ping, false, (byte)9),
            (ReceiveEventKind.DataFragment, true, (byte)2),
        }));
    }

    [Test]
    public void EmptyClose_HasNoStatus()
    {
        // FIN=1 op=close | MASK=1 len=0 | mask
        Received e = Receive([0x88, 0x80, 1, 2, 3, 4]);

        Assert.That((e.Kind, e.CloseStatus, e.CloseReason), Is.EqualTo((ReceiveEventKind.Close, (ushort?)null, "")));
    }

    [Test]
    public void CloseWithStatusAndReason_IsReportedDecoded()
    {
        Received e = Receive(ClientFrames.Close(CloseStatus.GoingAway, "tab closed é"));

        Assert.That((e.Kind, e.CloseStatus, e.CloseReason), Is.EqualTo((ReceiveEventKind.Close, (ushort?)1001, "tab closed é")));
        Assert.That(e.Payload[..2], Is.EqualTo(new byte[] { 0x03, 0xE9 }));
    }

    [Test]
    public void CloseWithStatusOnly_HasAnEmptyReason()
    {
        Received e = Receive(ClientFrames.Close(4999));

        Assert.That((e.Kind, e.CloseStatus, e.CloseReason), Is.EqualTo((ReceiveEventKind.Close, (ushort?)4999, "")));
    }

    [Test]
    public void ClosePayloadOfOneByte_ClosesWith1002()
    {
        Received e = Receive(ClientFrames.Frame(Opcode.Close, [0x03]));

        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason), Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.ProtocolError, MessageReceiver.CloseOneByte)));
    }

    [TestCase((ushort)0)]
    [TestCase((ushort)999)]
    [TestCase((ushort)1004)]
    [TestCase((ushort)1005)]
    [TestCase((ushort)1006)]
    [TestCase((ushort)1015)]
    [TestCase((ushort)1016)]
    [TestCase((ushort)2999)]
    [TestCase((ushort)5000)]
    public void CloseWithAStatusNotValidOnWire_ClosesWith1002(ushort status)
    {
        Received e = Receive(ClientFrames.Close(status, "x"));

        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason), Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.ProtocolError, MessageReceiver.CloseStatusInvalid)));
    }

    [Test]
    public void CloseReasonNotValidUtf8_ClosesWith1007()
    {
        // status 1000 = 03 E8 | reason "a" then an overlong C0 80
        Received e = Receive(ClientFrames.Frame(Opcode.Close, [0x03, 0xE8, 0x61, 0xC0, 0x80]));

        Assert.That((e.Kind, e.ErrorStatus, e.ErrorReason), Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.InvalidPayload, MessageReceiver.CloseReasonInvalidUtf8)));
    }

    [Test]
    public void CloseBetweenFragments_IsReported()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Text("half", fin: false), ClientFrames.Close(CloseStatus.Normal));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[] { ReceiveEventKind.DataFragment, ReceiveEventKind.Close }));
    }

    [Test]
    public void DataFrameAfterClose_IsNotReadButAProtocolError()
    {
        byte[] close = ClientFrames.Close(CloseStatus.Normal);
        byte[] wire = ClientFrames.Concat(close, ClientFrames.Text("too late"));
        var receiver = new MessageReceiver(1024);
        receiver.Next(wire, out int consumed);

        ReceiveEvent after = receiver.Next(wire.AsSpan(consumed), out int consumedAfter);

        Assert.That((after.Kind, after.ErrorStatus, after.ErrorReason, consumedAfter),
            Is.EqualTo((ReceiveEventKind.ProtocolError, CloseStatus.ProtocolError, MessageReceiver.DataAfterClose, 0)));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void EmptyInputAfterClose_IsAProtocolErrorToo(bool closeHasStatus)
    {
        var receiver = new MessageReceiver(1024);
        byte[] close = closeHasStatus ? ClientFrames.Close(CloseStatus.Normal) : ClientFrames.Frame(Opcode.Close, []);
        receiver.Next(close, out _);

        Assert.That(receiver.Next([], out _).Kind, Is.EqualTo(ReceiveEventKind.ProtocolError));
    }
}
