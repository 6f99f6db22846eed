using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>Data frames: payload reported as it arrives, unmasked, with message boundaries.</summary>
public class MessageReceiverDataTests
{
    [Test]
    public void RfcMaskedHelloFrame_IsOneWholeTextFragment()
    {
        // RFC 6455 5.7: FIN=1 op=text | MASK=1 len=5 | mask 37 FA 21 3D | masked "Hello"
        byte[] wire = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58];
        var receiver = new MessageReceiver(1024);

        ReceiveEvent e = receiver.Next(wire, out int consumed);

        Assert.That((e.Kind, e.MessageOpcode, e.EndOfMessage, consumed), Is.EqualTo((ReceiveEventKind.DataFragment, Opcode.Text, true, 11)));
        Assert.That(e.Payload.ToArray(), Is.EqualTo("Hello"u8.ToArray()));
    }

    [Test]
    public void PartialPayload_IsReportedAtOnceAndTheRestUnmaskedAtTheRightKeyOffset()
    {
        byte[] payload = [10, 20, 30, 40, 50, 60, 70];
        byte[] wire = ClientFrames.Binary(payload);
        var receiver = new MessageReceiver(1024);

        // Header (6 bytes) and the first 3 payload bytes.
        ReceiveEvent first = receiver.Next(wire.AsSpan(0, 9), out int consumedFirst);
        byte[] firstPayload = first.Payload.ToArray();
        ReceiveEvent rest = receiver.Next(wire.AsSpan(9), out int consumedRest);

        Assert.That((first.Kind, first.EndOfMessage, consumedFirst), Is.EqualTo((ReceiveEventKind.DataFragment, false, 9)));
        Assert.That(firstPayload, Is.EqualTo(payload[..3]));
        Assert.That((rest.EndOfMessage, consumedRest), Is.EqualTo((true, 4)));
        Assert.That(rest.Payload.ToArray(), Is.EqualTo(payload[3..]));
    }

    [Test]
    public void HeaderWithoutPayloadYet_IsConsumedAndNeedsMoreData()
    {
        byte[] wire = ClientFrames.Binary([1, 2, 3]);
        var receiver = new MessageReceiver(1024);

        ReceiveEvent e = receiver.Next(wire.AsSpan(0, 6), out int consumed);
        ReceiveEvent payload = receiver.Next(wire.AsSpan(6), out _);

        Assert.That((e.Kind, consumed), Is.EqualTo((ReceiveEventKind.NeedMoreData, 6)));
        Assert.That(payload.Payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void PartialHeader_ConsumesNothing()
    {
        byte[] wire = ClientFrames.Binary(new byte[300]);
        var receiver = new MessageReceiver(1024);

        // FIN=1 op=binary | MASK=1 len=126 | first byte of the 16-bit length only
        ReceiveEvent e = receiver.Next(wire.AsSpan(0, 3), out int consumed);

        Assert.That((e.Kind, consumed), Is.EqualTo((ReceiveEventKind.NeedMoreData, 0)));
    }

    [Test]
    public void FragmentedMessage_IsReportedPerFragmentWithTheFirstFramesOpcode()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Text("Hel", fin: false), ClientFrames.Continuation("lo"u8));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events.Select(e => (e.Kind, e.MessageOpcode, e.EndOfMessage, System.Text.Encoding.UTF8.GetString(e.Payload))),
            Is.EqualTo(new[]
            {
                (ReceiveEventKind.DataFragment, Opcode.Text, false, "Hel"),
                (ReceiveEventKind.DataFragment, Opcode.Text, true, "lo"),
            }));
    }

    [Test]
    public void EmptyFinFrame_IsAnEmptyFinalFragment()
    {
        // FIN=1 op=binary | MASK=1 len=0 | mask
        byte[] wire = [0x82, 0x80, 1, 2, 3, 4];

        Received e = ReceiverDriver.Single(new MessageReceiver(1024), wire);

        Assert.That((e.Kind, e.MessageOpcode, e.EndOfMessage, e.Payload.Length), Is.EqualTo((ReceiveEventKind.DataFragment, Opcode.Binary, true, 0)));
    }

    [Test]
    public void EmptyFinalContinuation_EndsTheMessage()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Binary([7], fin: false), ClientFrames.Continuation([]));

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire);

        Assert.That(events.Select(e => (e.EndOfMessage, e.Payload.Length)), Is.EqualTo(new[] { (false, 1), (true, 0) }));
    }

    [Test]
    public void EmptyNonFinalFragment_IsNotReported()
    {
        byte[] wire = ClientFrames.Concat(ClientFrames.Text("", fin: false), ClientFrames.Continuation("a"u8));
        var receiver = new MessageReceiver(1024);

        ReceiveEvent e = receiver.Next(wire, out int consumed);

        Assert.That((e.Kind, e.EndOfMessage, e.Payload.Length, consumed), Is.EqualTo((ReceiveEventKind.DataFragment, true, 1, wire.Length)));
    }

    [Test]
    public void EmptyNonFinalFragmentAloneInTheInput_NeedsMoreDataAfterConsumingIt()
    {
        byte[] wire = ClientFrames.Text("", fin: false);
        var receiver = new MessageReceiver(1024);

        ReceiveEvent e = receiver.Next(wire, out int consumed);

        Assert.That((e.Kind, consumed), Is.EqualTo((ReceiveEventKind.NeedMoreData, wire.Length)));
    }

    [Test]
    public void SeveralFramesInOneInput_AreReportedOneCallAtATime()
    {
        byte[] first = ClientFrames.Binary([1]);
        byte[] wire = ClientFrames.Concat(first, ClientFrames.Binary([2]));
        var receiver = new MessageReceiver(1024);

        receiver.Next(wire, out int consumed);
        ReceiveEvent second = receiver.Next(wire.AsSpan(consumed), out _);

        Assert.That(consumed, Is.EqualTo(first.Length));
        Assert.That(second.Payload.ToArray(), Is.EqualTo(new byte[] { 2 }));
    }

    [Test]
    public void LargeFrameThroughTheMinimumBuffer_ArrivesIntact()
    {
        byte[] payload = new byte[70_000];
        new Random(5).NextBytes(payload);
        byte[] wire = ClientFrames.Binary(payload);

        List<Received> events = ReceiverDriver.Run(new MessageReceiver(1 << 20), wire, readSize: 1000);

        Assert.That(ReceiverDriver.Messages(events).Single().Payload, Is.EqualTo(payload));
    }

    [Test]
    public void MixedConversation_GivesTheSameEventsAtEveryReadSize()
    {
        // Fragmented text with a ping between fragments, a 16-bit-length binary message, a pong,
        // a multi-byte character split across fragments, then a close.
        byte[] big = new byte[300];
        new Random(9).NextBytes(big);
        byte[] wire = ClientFrames.Concat(
            ClientFrames.Text("Hello, ", fin: false),
            ClientFrames.Frame(Opcode.Ping, "are you there"u8),
            ClientFrames.Continuation("world"u8),
            ClientFrames.Binary(big),
            ClientFrames.Frame(Opcode.Pong, "yes"u8),
            ClientFrames.Frame(Opcode.Text, [0x61, 0xF0, 0x9F], fin: false),
            ClientFrames.Continuation([0x98, 0x80]),
            ClientFrames.Close(CloseStatus.Normal, "bye"));

        for (int readSize = 1; readSize <= 40; readSize++)
        {
            List<Received> events = ReceiverDriver.Run(new MessageReceiver(1024), wire, readSize);

            var messages = ReceiverDriver.Messages(events);
            Assert.That(messages.Select(m => m.Opcode), Is.EqualTo(new[] { Opcode.Text, Opcode.Binary, Opcode.Text }), $"read size {readSize}");
            Assert.That(messages[0].Payload, Is.EqualTo("Hello, world"u8.ToArray()));
            Assert.That(messages[1].Payload, Is.EqualTo(big));
            Assert.That(messages[2].Payload, Is.EqualTo("a😀"u8.ToArray()));
            Assert.That(events.Where(e => e.Kind != ReceiveEventKind.DataFragment).Select(e => e.Kind),
                Is.EqualTo(new[] { ReceiveEventKind.Ping, ReceiveEventKind.Pong, ReceiveEventKind.Close }));
            Assert.That(events.Where(e => e.Kind == ReceiveEventKind.DataFragment && !e.EndOfMessage).All(e => e.Payload.Length > 0), Is.True,
                "a non-final fragment is never empty");
        }
    }
}
