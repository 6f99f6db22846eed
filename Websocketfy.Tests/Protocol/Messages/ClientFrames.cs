using System.Text;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Tests.Protocol.Messages;

/// <summary>Builds client frames byte by byte, independently of the code under test
/// (its own length encoding and a scalar masking loop).</summary>
internal static class ClientFrames
{
    /// <summary>The masking key of RFC 6455 section 5.7's examples.</summary>
    public static readonly byte[] RfcMask = [0x37, 0xFA, 0x21, 0x3D];

    public static byte[] Frame(Opcode opcode, ReadOnlySpan<byte> payload, bool fin = true, byte[]? mask = null)
    {
        mask ??= RfcMask;
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (byte)opcode) };
        if (payload.Length <= 125)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= 0xFFFF)
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.Add((byte)((long)payload.Length >> shift));
            }
        }
        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        }
        return [.. frame];
    }

    public static byte[] Text(string text, bool fin = true) => Frame(Opcode.Text, Encoding.UTF8.GetBytes(text), fin);

    public static byte[] Binary(ReadOnlySpan<byte> payload, bool fin = true) => Frame(Opcode.Binary, payload, fin);

    public static byte[] Continuation(ReadOnlySpan<byte> payload, bool fin = true) => Frame(Opcode.Continuation, payload, fin);

    public static byte[] Close(ushort status, string reason = "")
    {
        byte[] reasonBytes = Encoding.UTF8.GetBytes(reason);
        return Frame(Opcode.Close, [(byte)(status >> 8), (byte)status, .. reasonBytes]);
    }

    public static byte[] Concat(params byte[][] frames) => [.. frames.SelectMany(f => f)];
}
