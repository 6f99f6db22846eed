using Websocketfy.Protocol.Frames;

namespace Websocketfy.Tests.Protocol.Frames;

public class MaskingTests
{
    private static readonly byte[] Key = [0x37, 0xFA, 0x21, 0x3D];
    private static readonly int KeyValue = 0x3D21FA37; // Key read little-endian, as FrameHeader.MaskKey holds it

    /// <summary>RFC 6455 5.3 literally: octet i XOR key[(payloadOffset + i) mod 4].</summary>
    private static byte[] ScalarReference(byte[] data, long payloadOffset)
    {
        byte[] result = (byte[])data.Clone();
        for (int i = 0; i < result.Length; i++)
        {
            result[i] ^= Key[(int)((payloadOffset + i) % 4)];
        }
        return result;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void RfcExample_UnmasksToHello()
    {
        // RFC 6455 5.7: masked "Hello" payload with key 37 FA 21 3D
        byte[] payload = [0x7F, 0x9F, 0x4D, 0x51, 0x58];

        Masking.Apply(payload, KeyValue, 0);

        Assert.That(payload, Is.EqualTo("Hello"u8.ToArray()));
    }

    [Test]
    public void EveryShortLengthOffsetAndAlignment_MatchesTheScalarReference()
    {
        // Lengths cross every vector width and tail size; a misaligned start moves the data against
        // vector boundaries; offsets beyond 3 and beyond int range check the key rotation.
        long[] offsets = [0, 1, 2, 3, 4, 5, 7, 0x1_0000_0001L];
        byte[] source = RandomBytes(300 + 8, seed: 1);
        for (int length = 0; length <= 300; length++)
        {
            foreach (long offset in offsets)
            {
                for (int misalignment = 0; misalignment < 8; misalignment++)
                {
                    byte[] data = source.AsSpan(misalignment, length).ToArray();
                    byte[] expected = ScalarReference(data, offset);
                    byte[] buffer = new byte[length + misalignment];
                    data.CopyTo(buffer, misalignment);

                    Masking.Apply(buffer.AsSpan(misalignment, length), KeyValue, offset);

                    if (!buffer.AsSpan(misalignment).SequenceEqual(expected))
                    {
                        Assert.Fail($"length {length}, offset {offset}, misalignment {misalignment}");
                    }
                }
            }
        }
    }

    [Test]
    public void LongerPayloadsAtEveryStartWithinACacheLine_MatchTheScalarReference()
    {
        // Long enough for the aligned vector loop: every start address modulo 64 gives another
        // scalar head length, and with it another key rotation into the vector loop.
        int[] lengths = [256, 257, 258, 259, 300, 1000, 4099];
        byte[] source = RandomBytes(4099 + 64, seed: 4);
        foreach (int length in lengths)
        {
            for (long offset = 0; offset < 4; offset++)
            {
                for (int start = 0; start < 64; start++)
                {
                    byte[] buffer = (byte[])source.Clone();
                    byte[] expected = ScalarReference(source.AsSpan(start, length).ToArray(), offset);

                    Masking.Apply(buffer.AsSpan(start, length), KeyValue, offset);

                    if (!buffer.AsSpan(start, length).SequenceEqual(expected)
                        || !buffer.AsSpan(0, start).SequenceEqual(source.AsSpan(0, start))
                        || !buffer.AsSpan(start + length).SequenceEqual(source.AsSpan(start + length)))
                    {
                        Assert.Fail($"length {length}, offset {offset}, start {start}");
                    }
                }
            }
        }
    }

    [TestCase(64 * 1024, 0L)]
    [TestCase(64 * 1024 + 13, 3L)]
    [TestCase(1024 * 1024 + 7, 2L)]
    public void LargePayload_MatchesTheScalarReference(int length, long offset)
    {
        byte[] data = RandomBytes(length, seed: length);
        byte[] expected = ScalarReference(data, offset);

        Masking.Apply(data, KeyValue, offset);

        Assert.That(data.AsSpan().SequenceEqual(expected), Is.True);
    }

    [Test]
    public void PayloadUnmaskedInPieces_EqualsPayloadUnmaskedWhole()
    {
        byte[] original = RandomBytes(1000, seed: 2);
        byte[] whole = (byte[])original.Clone();
        Masking.Apply(whole, KeyValue, 0);

        byte[] pieces = (byte[])original.Clone();
        int[] cuts = [0, 1, 3, 4, 9, 70, 71, 200, 333, 1000];
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            Masking.Apply(pieces.AsSpan(cuts[i], cuts[i + 1] - cuts[i]), KeyValue, cuts[i]);
        }

        Assert.That(pieces, Is.EqualTo(whole));
    }

    [Test]
    public void ApplyingTwice_RestoresTheData()
    {
        byte[] original = RandomBytes(777, seed: 3);
        byte[] data = (byte[])original.Clone();

        Masking.Apply(data, KeyValue, 5);
        Masking.Apply(data, KeyValue, 5);

        Assert.That(data, Is.EqualTo(original));
    }

    [Test]
    public void NegativeOffset_IsRejected()
    {
        byte[] data = new byte[4];

        Assert.Throws<ArgumentOutOfRangeException>(() => Masking.Apply(data, KeyValue, -1));
    }
}
