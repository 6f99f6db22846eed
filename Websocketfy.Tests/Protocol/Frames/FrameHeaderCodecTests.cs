using Websocketfy.Protocol.Frames;

namespace Websocketfy.Tests.Protocol.Frames;

public class FrameHeaderCodecTests
{
    [Test]
    public void SevenBitLengthMaskedHeader_ParsesEveryField()
    {
        // FIN=1 RSV=000 op=text | MASK=1 len=5 | mask 37 FA 21 3D (RFC 6455 5.7 "Hello")
        byte[] bytes = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D];

        FrameHeaderStatus status = FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out string? error);

        Assert.That(status, Is.EqualTo(FrameHeaderStatus.Ok));
        Assert.That(error, Is.Null);
        Assert.That(header, Is.EqualTo(new FrameHeader(
            Fin: true, Rsv: 0, Opcode: Opcode.Text, Masked: true, PayloadLength: 5,
            MaskKey: 0x3D21FA37, HeaderLength: 6)));
    }

    [Test]
    public void SixteenBitLength_IsReadBigEndian()
    {
        // FIN=0 op=binary | MASK=0 len=126 | 16-bit length 0x0100 = 256
        byte[] bytes = [0x02, 0x7E, 0x01, 0x00];

        FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);

        Assert.That((header.Fin, header.Opcode, header.Masked, header.PayloadLength, header.HeaderLength),
            Is.EqualTo((false, Opcode.Binary, false, 256L, 4)));
    }

    [Test]
    public void SixtyFourBitLength_IsReadBigEndian()
    {
        // FIN=1 op=binary | MASK=1 len=127 | 64-bit length 0x0000_0001_0000_0002 | mask 01 02 03 04
        byte[] bytes = [0x82, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04];

        FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);

        Assert.That((header.PayloadLength, header.MaskKey, header.HeaderLength), Is.EqualTo((0x1_0000_0002L, 0x04030201, 14)));
    }

    [Test]
    public void NonMinimalLengthEncoding_IsAccepted()
    {
        // FIN=1 op=text | MASK=0 len=126 | 16-bit length 5 (fits 7 bits, still legal to decode)
        byte[] bytes = [0x81, 0x7E, 0x00, 0x05];

        FrameHeaderStatus status = FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);

        Assert.That((status, header.PayloadLength), Is.EqualTo((FrameHeaderStatus.Ok, 5L)));
    }

    [Test]
    public void SixtyFourBitLengthWithTopBitSet_IsInvalid()
    {
        // FIN=1 op=binary | MASK=1 len=127 | 64-bit length 0x8000_0000_0000_0000 | mask
        byte[] bytes = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];

        FrameHeaderStatus status = FrameHeaderCodec.TryParse(bytes, out _, out string? error);

        Assert.That((status, error), Is.EqualTo((FrameHeaderStatus.Invalid, FrameHeaderCodec.TopBitSetError)));
    }

    [Test]
    public void LargestSixtyFourBitLength_IsLongMaxValue()
    {
        // FIN=1 op=binary | MASK=1 len=127 | 64-bit length 0x7FFF_FFFF_FFFF_FFFF | mask
        byte[] bytes = [0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4];

        FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);

        Assert.That(header.PayloadLength, Is.EqualTo(long.MaxValue));
    }

    [Test]
    public void RsvBitsAndReservedOpcode_AreReportedNotJudged()
    {
        // FIN=0 RSV=101 op=0xB | MASK=1 len=0 | mask
        byte[] bytes = [0x5B, 0x80, 1, 2, 3, 4];

        FrameHeaderStatus status = FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);

        Assert.That((status, header.Fin, header.Rsv, (byte)header.Opcode, header.IsControl),
            Is.EqualTo((FrameHeaderStatus.Ok, false, (byte)0b101, (byte)0xB, true)));
    }

    // Each full header, cut at every shorter length, needs more data.
    [TestCase(new byte[] { 0x81, 0x85, 1, 2, 3, 4 })]                                 // len=5, masked
    [TestCase(new byte[] { 0x82, 0xFE, 0x01, 0x00, 1, 2, 3, 4 })]                     // len=126 -> 256, masked
    [TestCase(new byte[] { 0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4 })]         // len=127 -> 65536, masked
    [TestCase(new byte[] { 0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0 })]                     // len=127 -> 65536, unmasked
    public void PartialHeader_NeedsMoreData(byte[] fullHeader)
    {
        for (int length = 0; length < fullHeader.Length; length++)
        {
            FrameHeaderStatus status = FrameHeaderCodec.TryParse(fullHeader.AsSpan(0, length), out _, out _);
            Assert.That(status, Is.EqualTo(FrameHeaderStatus.NeedMoreData), $"cut at {length}");
        }
        Assert.That(FrameHeaderCodec.TryParse(fullHeader, out FrameHeader header, out _), Is.EqualTo(FrameHeaderStatus.Ok));
        Assert.That(header.HeaderLength, Is.EqualTo(fullHeader.Length));
    }

    [TestCase(0L, new byte[] { 0x82, 0x00 })]
    [TestCase(125L, new byte[] { 0x82, 0x7D })]
    [TestCase(126L, new byte[] { 0x82, 0x7E, 0x00, 0x7E })]
    [TestCase(65535L, new byte[] { 0x82, 0x7E, 0xFF, 0xFF })]
    [TestCase(65536L, new byte[] { 0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00 })]
    [TestCase(0x0102_0304_0506_0708L, new byte[] { 0x82, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void ServerHeader_UsesTheMinimalLengthEncoding(long payloadLength, byte[] expected)
    {
        // FIN=1 op=binary | MASK=0 | shortest length form
        Span<byte> destination = stackalloc byte[FrameHeaderCodec.MaxServerHeaderLength];

        int written = FrameHeaderCodec.WriteServerHeader(destination, Opcode.Binary, fin: true, payloadLength);

        Assert.That(destination[..written].ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void ServerHeader_IsNeverMaskedAndCarriesFinAndOpcode()
    {
        Span<byte> destination = stackalloc byte[FrameHeaderCodec.MaxServerHeaderLength];

        int written = FrameHeaderCodec.WriteServerHeader(destination, Opcode.Continuation, fin: false, 300);

        // FIN=0 op=continuation | MASK=0 len=126 | 16-bit length 300
        Assert.That(destination[..written].ToArray(), Is.EqualTo(new byte[] { 0x00, 0x7E, 0x01, 0x2C }));
    }

    [TestCase(0L)]
    [TestCase(125L)]
    [TestCase(126L)]
    [TestCase(65535L)]
    [TestCase(65536L)]
    [TestCase(long.MaxValue)]
    public void ServerHeader_ParsesBackToItsFields(long payloadLength)
    {
        Span<byte> destination = stackalloc byte[FrameHeaderCodec.MaxServerHeaderLength];
        int written = FrameHeaderCodec.WriteServerHeader(destination, Opcode.Text, fin: true, payloadLength);

        FrameHeaderCodec.TryParse(destination[..written], out FrameHeader header, out _);

        Assert.That(header, Is.EqualTo(new FrameHeader(true, 0, Opcode.Text, false, payloadLength, 0, written)));
        Assert.That(FrameHeaderCodec.ServerHeaderLength(payloadLength), Is.EqualTo(written));
    }

    [Test]
    public void ServerHeader_RejectsANegativeLength()
    {
        byte[] destination = new byte[FrameHeaderCodec.MaxServerHeaderLength];

        Assert.Throws<ArgumentOutOfRangeException>(() => FrameHeaderCodec.WriteServerHeader(destination, Opcode.Binary, true, -1));
    }

    [Test]
    public void ServerHeader_RejectsADestinationTooSmallForTheEncoding()
    {
        byte[] destination = new byte[3];

        Assert.Throws<ArgumentException>(() => FrameHeaderCodec.WriteServerHeader(destination, Opcode.Binary, true, 126));
    }
}
