using System.Buffers.Binary;

namespace Websocketfy.Protocol.V2;

/// <summary>The 12 bytes in front of every v2 data message: the get's id (4 bytes) and the offset in the
/// file of the bytes that follow (8 bytes), both big-endian.</summary>
public static class ChunkPrefix
{
    public const int Length = 12;

    public static void Write(Span<byte> destination, int id, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        BinaryPrimitives.WriteInt32BigEndian(destination, id);
        BinaryPrimitives.WriteInt64BigEndian(destination[4..], offset);
    }

    /// <summary>False when <paramref name="message"/> is shorter than the prefix, or its fields are out of
    /// range (an id below 1, a negative offset): not a data message of this protocol.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out int id, out long offset)
    {
        id = 0;
        offset = 0;
        if (message.Length < Length) return false;
        id = BinaryPrimitives.ReadInt32BigEndian(message);
        offset = BinaryPrimitives.ReadInt64BigEndian(message[4..]);
        return id >= 1 && offset >= 0;
    }
}
