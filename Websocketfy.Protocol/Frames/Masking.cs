using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Websocketfy.Protocol.Frames;

/// <summary>XOR masking of payload bytes (RFC 6455 section 5.3), vectorised.</summary>
public static class Masking
{
    /// <summary>Below this, aligning the vector loop costs more than the split loads it saves.</summary>
    private const int AlignmentThreshold = 256;

    /// <summary>Unmasks (or masks) <paramref name="data"/> in place. <paramref name="payloadOffset"/> is the
    /// position of data[0] within the frame payload, so a payload can be unmasked in pieces.</summary>
    /// <remarks><paramref name="maskKey"/> is in the form of <see cref="FrameHeader.MaskKey"/>: key byte i
    /// is <c>(byte)(maskKey &gt;&gt; (8 * i))</c> and applies to payload positions p with p % 4 == i.</remarks>
    public static void Apply(Span<byte> data, int maskKey, long payloadOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadOffset);
        if (data.IsEmpty)
        {
            return;
        }

        // Rotate the key so that its low byte is the one for data[0]. The key stays in this form
        // ("low byte applies next") throughout; wide blocks whose length is a multiple of 4 keep it.
        uint key = BitOperations.RotateRight((uint)maskKey, 8 * (int)(payloadOffset & 3));
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint done = 0;

        int vectorSize = Vector512.IsHardwareAccelerated ? Vector512<byte>.Count
            : Vector256.IsHardwareAccelerated ? Vector256<byte>.Count
            : Vector128.IsHardwareAccelerated ? Vector128<byte>.Count
            : 0;
        if (vectorSize == 0)
        {
            ApplyScalar(ref start, length, ref key);
            return;
        }

        if (length >= AlignmentThreshold)
        {
            // Payloads sit a few bytes after their frame header, so they rarely start on a vector
            // boundary; unaligned vectors then straddle cache lines. Do the head in scalar steps
            // (the address is only a hint: if the GC moves the buffer, results stay right).
            nuint address = (nuint)Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref start);
            nuint head = (nuint)(-(nint)address) & (nuint)(vectorSize - 1);
            ApplyScalar(ref start, head, ref key);
            done = head;
        }

        done += ApplyVectors(ref Unsafe.Add(ref start, done), length - done, key);
        ApplyScalar(ref Unsafe.Add(ref start, done), length - done, ref key);
    }

    /// <summary>XORs whole vectors from <paramref name="start"/>; returns how many bytes it did
    /// (a multiple of 16, so the key needs no rotation afterwards).</summary>
    private static nuint ApplyVectors(ref byte start, nuint length, uint key)
    {
        // The key as it must lie in memory when read as a native uint.
        uint keyInMemory = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<byte>.Count)
        {
            Vector512<byte> mask = Vector512.Create(keyInMemory).AsByte();
            for (; length - i >= (nuint)Vector512<byte>.Count; i += (nuint)Vector512<byte>.Count)
            {
                (Vector512.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
            }
        }
        if (Vector256.IsHardwareAccelerated && length - i >= (nuint)Vector256<byte>.Count)
        {
            Vector256<byte> mask = Vector256.Create(keyInMemory).AsByte();
            for (; length - i >= (nuint)Vector256<byte>.Count; i += (nuint)Vector256<byte>.Count)
            {
                (Vector256.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
            }
        }
        if (Vector128.IsHardwareAccelerated && length - i >= (nuint)Vector128<byte>.Count)
        {
            Vector128<byte> mask = Vector128.Create(keyInMemory).AsByte();
            for (; length - i >= (nuint)Vector128<byte>.Count; i += (nuint)Vector128<byte>.Count)
            {
                (Vector128.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
            }
        }
        return i;
    }

    /// <summary>XORs <paramref name="length"/> bytes in 8-, 4- and 1-byte steps, leaving
    /// <paramref name="key"/> rotated for the byte after them.</summary>
    private static void ApplyScalar(ref byte start, nuint length, ref uint key)
    {
        uint keyInMemory = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);
        ulong wideMask = ((ulong)keyInMemory << 32) | keyInMemory;
        nuint i = 0;
        for (; length - i >= sizeof(ulong); i += sizeof(ulong))
        {
            ref byte at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<ulong>(ref at) ^ wideMask);
        }
        if (length - i >= sizeof(uint))
        {
            ref byte at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<uint>(ref at) ^ keyInMemory);
            i += sizeof(uint);
        }
        // At most three bytes left, each taking the key's low byte and rotating it away.
        for (; i < length; i++)
        {
            Unsafe.Add(ref start, i) ^= (byte)key;
            key = BitOperations.RotateRight(key, 8);
        }
    }
}
