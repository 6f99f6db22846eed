using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>A copy of one <see cref="ReceiveEvent"/>, safe to keep after the buffer moves on.</summary>
internal sealed record Received(
    ReceiveEventKind Kind, Opcode MessageOpcode, bool EndOfMessage, byte[] Payload,
    ushort? CloseStatus, string CloseReason, ushort ErrorStatus, string ErrorReason)
{
    public static Received From(in ReceiveEvent e) =>
        new(e.Kind, e.MessageOpcode, e.EndOfMessage, e.Payload.ToArray(), e.CloseStatus, e.CloseReason, e.ErrorStatus, e.ErrorReason);
}

/// <summary>Plays the daemon's read loop: reads of at most <c>readSize</c> bytes into a fixed buffer,
/// Next until NeedMoreData, keep the unconsumed tail. Stops after Close or ProtocolError.</summary>
internal static class ReceiverDriver
{
    public static List<Received> Run(
        MessageReceiver receiver, byte[] wire, int readSize = int.MaxValue, int bufferSize = MessageReceiver.MinimumBufferSize)
    {
        var events = new List<Received>();
        byte[] buffer = new byte[bufferSize];
        int filled = 0;
        int sent = 0;
        while (true)
        {
            while (true)
            {
                ReceiveEvent e = receiver.Next(buffer.AsSpan(0, filled), out int consumed);
                if (e.Kind != ReceiveEventKind.NeedMoreData)
                {
                    events.Add(Received.From(e));
                }
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (e.Kind is ReceiveEventKind.Close or ReceiveEventKind.ProtocolError)
                {
                    return events;
                }
                if (e.Kind == ReceiveEventKind.NeedMoreData)
                {
                    break;
                }
            }
            if (sent == wire.Length)
            {
                return events;
            }
            int read = Math.Min(readSize, Math.Min(bufferSize - filled, wire.Length - sent));
            if (read == 0)
            {
                throw new InvalidOperationException("The buffer is full but the receiver asks for more data.");
            }
            wire.AsSpan(sent, read).CopyTo(buffer.AsSpan(filled));
            filled += read;
            sent += read;
        }
    }

    /// <summary>Runs the wire in one read into a buffer just large enough, and returns the single event expected.</summary>
    public static Received Single(MessageReceiver receiver, byte[] wire)
    {
        List<Received> events = Run(receiver, wire, bufferSize: Math.Max(wire.Length, MessageReceiver.MinimumBufferSize));
        Assert.That(events, Has.Count.EqualTo(1), "events: " + string.Join(", ", events.Select(e => e.Kind)));
        return events[0];
    }

    /// <summary>The complete data messages among the events, fragments joined.</summary>
    public static List<(Opcode Opcode, byte[] Payload)> Messages(IEnumerable<Received> events)
    {
        var messages = new List<(Opcode, byte[])>();
        var current = new List<byte>();
        foreach (Received e in events.Where(e => e.Kind == ReceiveEventKind.DataFragment))
        {
            current.AddRange(e.Payload);
            if (e.EndOfMessage)
            {
                messages.Add((e.MessageOpcode, current.ToArray()));
                current.Clear();
            }
        }
        return messages;
    }
}
