using System.Buffers;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>A text message waiting in the <see cref="V2Outbox"/>: written whole, before any further chunk.</summary>
internal abstract class V2Message : IDisposable
{
    /// <summary>The outbox's count of chunks written when this message was queued.</summary>
    public long QueuedAtChunk { get; set; }

    /// <summary>Writes the message; <paramref name="scratch"/> is the outbox's buffer, free for the duration.</summary>
    public abstract ValueTask WriteAsync(FrameSender sender, byte[] scratch, CancellationToken ct);

    /// <summary>Runs in the outbox loop once the message is out (a start message lets its chunks go).</summary>
    public virtual void OnWritten() { }

    /// <summary>Frees what the message holds, whether it was written or not.</summary>
    public virtual void Dispose() { }
}

/// <summary>A small JSON message held whole.</summary>
internal class V2TextMessage(ReadOnlyMemory<byte> json) : V2Message
{
    public static V2TextMessage Of(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>(128);
        write(output);
        return new V2TextMessage(output.WrittenMemory);
    }

    public ReadOnlyMemory<byte> Json => json;

    public override ValueTask WriteAsync(FrameSender sender, byte[] scratch, CancellationToken ct) =>
        sender.SendFrameAsync(Opcode.Text, fin: true, json, ct);
}

/// <summary>A get's start message: once it is out, the transfer's chunks may follow.</summary>
internal sealed class V2StartMessage(ReadOnlyMemory<byte> json, V2Transfer transfer, V2Outbox outbox) : V2TextMessage(json)
{
    private bool _handedOver;

    public override void OnWritten()
    {
        _handedOver = true;
        outbox.Activate(transfer);
    }

    public override void Dispose()
    {
        // Never written (the connection ended first): the transfer was never handed to the outbox.
        if (!_handedOver) transfer.Dispose();
    }
}

/// <summary>A JSON message of any size (an sql reply), held in a spill buffer and sent as fragments of at
/// most one chunk each: a ping or pong can pass between them, no other data message can.</summary>
internal sealed class V2SpilledMessage(SpillBuffer json, int fragmentSize) : V2Message
{
    public override async ValueTask WriteAsync(FrameSender sender, byte[] scratch, CancellationToken ct)
    {
        var reader = json.CreateReader();
        const int room = FrameSender.HeaderRoom;
        int size = Math.Min(fragmentSize, scratch.Length - room);
        bool first = true;
        do
        {
            // A send may complete on a socket engine thread (see SocketCompletions); a spilled reply's next
            // piece comes from disk, which must not run there.
            if (json.SpilledToDisk) await new ThreadPoolHop();
            int n = reader.Read(scratch.AsSpan(room, size));
            await sender.SendFrameInPlaceAsync(first ? Opcode.Text : Opcode.Continuation, reader.AtEnd, scratch.AsMemory(0, room + n), ct).ConfigureAwait(false);
            first = false;
        }
        while (!reader.AtEnd);
        // The outbox disposes the message next, which deletes its temporary file: on the pool too.
        if (json.SpilledToDisk) await new ThreadPoolHop();
    }

    public override void Dispose() => json.Dispose();
}

/// <summary>Our close frame, sent once every message queued before it is out (the drain at shutdown).</summary>
internal sealed class V2CloseMessage(IV2Host host, ushort status, string reason) : V2Message
{
    public override async ValueTask WriteAsync(FrameSender sender, byte[] scratch, CancellationToken ct) =>
        await host.CloseAsync(status, reason).ConfigureAwait(false);
}
