using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>The data path allocates nothing per frame.</summary>
public class MessageReceiverAllocationTests
{
    private static long ReceiveAll(MessageReceiver receiver, byte[] buffer, byte[] wire)
    {
        wire.CopyTo(buffer, 0);
        long delivered = 0;
        Span<byte> input = buffer.AsSpan(0, wire.Length);
        while (true)
        {
            ReceiveEvent e = receiver.Next(input, out int consumed);
            if (e.Kind == ReceiveEventKind.NeedMoreData)
            {
                return delivered;
            }
            if (e.Kind == ReceiveEventKind.ProtocolError)
            {
                throw new AssertionException($"unexpected protocol error: {e.ErrorReason}");
            }
            delivered += e.Payload.Length;
            input = input[consumed..];
        }
    }

    [Test]
    public void ManyMaskedDataFrames_AllocateNothing()
    {
        // Binary frames of several length encodings, fragmented messages, ASCII and multi-byte text, pings.
        var frames = new List<byte[]>();
        for (int i = 0; i < 200; i++)
        {
            frames.Add(ClientFrames.Binary(new byte[i % 3 == 0 ? 300 : 40]));
            frames.Add(ClientFrames.Text("SELECT * FROM images WHERE id = 42 -- é€😀", fin: false));
            frames.Add(ClientFrames.Frame(Opcode.Ping, "ka"u8));
            frames.Add(ClientFrames.Continuation("; rest"u8));
        }
        byte[] wire = ClientFrames.Concat([.. frames]);
        byte[] buffer = new byte[wire.Length];
        long expected = ReceiveAll(new MessageReceiver(1 << 20), buffer, wire);
        var receiver = new MessageReceiver(1 << 20);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long delivered = ReceiveAll(receiver, buffer, wire);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(delivered, Is.EqualTo(expected));
        Assert.That(allocated, Is.Zero);
    }
}
