using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Writes client frames byte by byte, independently of the library's own codec, with the
/// freedom a client has (any masking key, non-minimal length encodings) and the ability to lie.</summary>
internal static class FuzzFrameWriter
{
    public static byte FirstByte(bool fin, int rsv, int opcode) => (byte)((fin ? 0x80 : 0) | (rsv << 4) | (opcode & 0x0F));

    /// <summary>Appends one frame and records where it starts.</summary>
    /// <param name="declaredLength">The length the header claims, when it must differ from the payload's.</param>
    /// <param name="topBitSet">Use the 64-bit form with its forbidden most significant bit set.</param>
    public static void Write(
        List<byte> stream, List<int> frameStarts, ref FuzzRandom random, byte firstByte, bool masked,
        ReadOnlySpan<byte> payload, long? declaredLength = null, bool topBitSet = false)
    {
        frameStarts.Add(stream.Count);
        long length = declaredLength ?? payload.Length;
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        stream.Add(firstByte);

        Span<byte> extended = stackalloc byte[8];
        int form = topBitSet ? 64 : ChooseLengthForm(length, ref random);
        switch (form)
        {
            case 7:
                stream.Add((byte)(maskBit | length));
                break;
            case 16:
                stream.Add((byte)(maskBit | 126));
                BinaryPrimitives.WriteUInt16BigEndian(extended, (ushort)length);
                stream.AddRange(extended[..2]);
                break;
            default:
                stream.Add((byte)(maskBit | 127));
                BinaryPrimitives.WriteUInt64BigEndian(extended, (ulong)length | (topBitSet ? 1UL << 63 : 0));
                stream.AddRange(extended);
                break;
        }

        if (!masked)
        {
            stream.AddRange(payload);
            return;
        }
        Span<byte> key = stackalloc byte[8];
        if (!random.Percent(10))
        {
            random.Fill(key[..4]);
        }
        stream.AddRange(key[..4]);
        int start = stream.Count;
        stream.AddRange(payload);
        Mask(CollectionsMarshal.AsSpan(stream)[start..], key);
    }

    /// <summary>XORs payload byte i with key byte i % 4 (RFC 6455 section 5.3), eight bytes at a time.</summary>
    private static void Mask(Span<byte> payload, Span<byte> key)
    {
        key[..4].CopyTo(key[4..]);
        ulong wideKey = BinaryPrimitives.ReadUInt64LittleEndian(key);
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(payload);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] ^= wideKey;
        }
        for (int i = words.Length * sizeof(ulong); i < payload.Length; i++)
        {
            payload[i] ^= key[i & 3];
        }
    }

    /// <summary>Mostly the minimal form; sometimes a longer one, which RFC 6455 lets a receiver accept.</summary>
    private static int ChooseLengthForm(long length, ref FuzzRandom random)
    {
        int minimal = length <= 125 ? 7 : length <= ushort.MaxValue ? 16 : 64;
        if (minimal == 64 || random.Percent(80))
        {
            return minimal;
        }
        return minimal == 7 && random.Percent(50) ? 16 : 64;
    }

    /// <summary>Exactly <paramref name="length"/> bytes of valid UTF-8: mostly ASCII, with 2-, 3- and
    /// 4-byte sequences (never surrogates), so fragment cuts land inside code points.</summary>
    public static byte[] RandomUtf8(int length, ref FuzzRandom random)
    {
        var bytes = new byte[length];
        int position = 0;
        while (position < length)
        {
            int roll = random.Below(100);
            int size = roll < 60 ? 1 : roll < 75 ? 2 : roll < 90 ? 3 : 4;
            if (size == 1 || size > length - position)
            {
                // A run of ASCII at once: cheaper than one code point per draw.
                Span<byte> run = bytes.AsSpan(position, Math.Min(length - position, random.Between(1, 16)));
                random.Fill(run);
                for (int i = 0; i < run.Length; i++)
                {
                    run[i] &= 0x7F;
                }
                position += run.Length;
                continue;
            }
            int scalar = size switch
            {
                2 => random.Between(0x80, 0x7FF),
                3 => random.Percent(50) ? random.Between(0x800, 0xD7FF) : random.Between(0xE000, 0xFFFF),
                _ => random.Between(0x10000, 0x10FFFF),
            };
            position += new Rune(scalar).EncodeToUtf8(bytes.AsSpan(position));
        }
        return bytes;
    }

    public static byte[] RandomBytes(int length, ref FuzzRandom random)
    {
        var bytes = new byte[length];
        random.Fill(bytes);
        return bytes;
    }
}
