using System.Net.WebSockets;
using System.Text;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;
using Websocketfy.Tests.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Frames;

public class FragmentedMessageFramerTests
{
    private static byte[] Header(ref FragmentedMessageFramer framer, long payloadLength, bool isFinal)
    {
        byte[] destination = new byte[FrameHeaderCodec.MaxServerHeaderLength];
        int written = framer.WriteFragmentHeader(destination, payloadLength, isFinal);
        return destination[..written];
    }

    [Test]
    public void FirstFragment_CarriesTheMessageOpcodeWithoutFin()
    {
        var framer = new FragmentedMessageFramer(Opcode.Binary);

        // FIN=0 op=binary | MASK=0 len=200 -> 126 + 16-bit 0x00C8
        Assert.That(Header(ref framer, 200, isFinal: false), Is.EqualTo(new byte[] { 0x02, 0x7E, 0x00, 0xC8 }));
    }

    [Test]
    public void LaterFragments_AreContinuations_AndTheLastMayBeEmpty()
    {
        var framer = new FragmentedMessageFramer(Opcode.Text);
        Header(ref framer, 3, isFinal: false);

        byte[] middle = Header(ref framer, 70000, isFinal: false);
        byte[] last = Header(ref framer, 0, isFinal: true);

        // FIN=0 op=continuation | MASK=0 len=127 + 64-bit 70000 = 0x011170
        Assert.That(middle, Is.EqualTo(new byte[] { 0x00, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70 }));
        // FIN=1 op=continuation | MASK=0 len=0
        Assert.That(last, Is.EqualTo(new byte[] { 0x80, 0x00 }));
        Assert.That(framer.IsFinished, Is.True);
    }

    [Test]
    public void FinalFirstFragment_IsAnOrdinarySingleFrame()
    {
        var framer = new FragmentedMessageFramer(Opcode.Text);

        // FIN=1 op=text | MASK=0 len=5
        Assert.That(Header(ref framer, 5, isFinal: true), Is.EqualTo(new byte[] { 0x81, 0x05 }));
    }

    [Test]
    public void AfterTheFinalFragment_NoMoreHeadersAreWritten()
    {
        var framer = new FragmentedMessageFramer(Opcode.Binary);
        Header(ref framer, 1, isFinal: true);

        Assert.Throws<InvalidOperationException>(() => Header(ref framer, 1, isFinal: true));
    }

    [Test]
    public void DefaultFramer_RefusesToWrite()
    {
        var framer = default(FragmentedMessageFramer);

        Assert.Throws<InvalidOperationException>(() => Header(ref framer, 1, isFinal: true));
    }

    [TestCase(Opcode.Continuation)]
    [TestCase(Opcode.Close)]
    public void NonDataOpcode_IsRefused(Opcode opcode)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FragmentedMessageFramer(opcode));
    }

    [Test]
    public async Task StreamedMessageWithAPingBetweenFragments_IsOneMessageForDotNetsClient()
    {
        // "né": the two bytes of é (C3 A9) go out in different fragments, a ping between them,
        // then an empty final frame, then a close: what the daemon sends for a reply of unknown length.
        var wire = new List<byte>();
        var framer = new FragmentedMessageFramer(Opcode.Text);
        byte[] buffer = new byte[ServerFrameWriter.MaxControlFrameLength];
        void Fragment(byte[] payload, bool isFinal)
        {
            wire.AddRange(buffer[..framer.WriteFragmentHeader(buffer, payload.Length, isFinal)]);
            wire.AddRange(payload);
        }
        Fragment([0x6E, 0xC3], isFinal: false);
        wire.AddRange(buffer[..ServerFrameWriter.WritePing(buffer, "p"u8)]);
        Fragment([0xA9], isFinal: false);
        Fragment([], isFinal: true);
        wire.AddRange(buffer[..ServerFrameWriter.WriteClose(buffer, CloseStatus.Normal, "done")]);

        var stream = new ScriptedStream([.. wire]);
        using WebSocket client = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false });
        var text = new List<byte>();
        byte[] receiveBuffer = new byte[64];
        WebSocketReceiveResult result;
        do
        {
            result = await client.ReceiveAsync(receiveBuffer, CancellationToken.None);
            text.AddRange(receiveBuffer[..result.Count]);
        }
        while (!result.EndOfMessage);
        WebSocketReceiveResult close = await client.ReceiveAsync(receiveBuffer, CancellationToken.None);

        Assert.That((result.MessageType, Encoding.UTF8.GetString([.. text])), Is.EqualTo((WebSocketMessageType.Text, "né")));
        Assert.That((close.CloseStatus, close.CloseStatusDescription), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.NormalClosure, "done")));
        // The client answered the ping: a masked pong with the same payload, which our receiver reads back.
        Received pong = ReceiverDriver.Run(new MessageReceiver(1024), stream.Written.ToArray())[0];
        Assert.That((pong.Kind, Encoding.ASCII.GetString(pong.Payload)), Is.EqualTo((ReceiveEventKind.Pong, "p")));
    }

    /// <summary>Reads from a fixed script, records what the client writes.</summary>
    private sealed class ScriptedStream(byte[] incoming) : Stream
    {
        private int _position;

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, incoming.Length - _position);
            incoming.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
