using System.Buffers.Binary;

namespace Websocketfy.Load.Wire;

/// <summary>RFC 6455 client frames, masked as the RFC requires of clients.</summary>
internal static class ClientFrames
{
    public const byte Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    /// <summary>One whole frame. The load generator builds each request once and sends the same bytes
    /// every time, so one mask key per request is reused; servers cannot tell, and the client stays cheap.</summary>
    public static byte[] Build(byte opcode, ReadOnlySpan<byte> payload)
    {
        int header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var frame = new byte[header + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        if (header == 2)
        {
            frame[1] = (byte)(0x80 | payload.Length);
        }
        else if (header == 4)
        {
            frame[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        }
        else
        {
            frame[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        }
        Span<byte> mask = frame.AsSpan(header, 4);
        Random.Shared.NextBytes(mask);
        for (int i = 0; i < payload.Length; i++) frame[header + 4 + i] = (byte)(payload[i] ^ mask[i & 3]);
        return frame;
    }
}
