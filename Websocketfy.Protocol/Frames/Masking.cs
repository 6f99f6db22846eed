using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Websocketfy.Protocol.Frames;

/// <summary>XOR masking of payload bytes (RFC 6455 section 5.3), vectorised.</summary>
public static class Masking
{
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

        // Rotate the key so that its byte 0 is the one for data[0]; from then on every block whose
        // length is a multiple of 4 starts on key byte 0 again, whatever the alignment of data.
        uint key = BitOperations.RotateRight((uint)maskKey, 8 * (int)(payloadOffset & 3));
        // The key as it must lie in memory when read as a native uint, so wide XORs hit the right bytes.
        uint keyInMemory = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);

        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
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

        ulong wideMask = ((ulong)keyInMemory << 32) | keyInMemory;
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

        // At most three bytes left, and i is a multiple of 4, so they take key bytes 0, 1, 2 in turn.
        for (; i < length; i++)
        {
            Unsafe.Add(ref start, i) ^= (byte)key;
            key >>= 8;
        }
    }
}
