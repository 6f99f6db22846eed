using BenchmarkDotNet.Attributes;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Bench;

/// <summary>FrameHeaderCodec.TryParse for the three length encodings of a masked client header,
/// and WriteServerHeader for an unmasked one.</summary>
public class HeaderParseBenchmarks
{
    // FIN=1 op=text | MASK=1 len=5 | mask
    private readonly byte[] _sevenBit = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D];
    // FIN=1 op=binary | MASK=1 len=126 -> 16-bit 4096 | mask
    private readonly byte[] _sixteenBit = [0x82, 0xFE, 0x10, 0x00, 0x37, 0xFA, 0x21, 0x3D];
    // FIN=1 op=binary | MASK=1 len=127 -> 64-bit 1 MiB | mask
    private readonly byte[] _sixtyFourBit = [0x82, 0xFF, 0, 0, 0, 0, 0, 0x10, 0, 0, 0x37, 0xFA, 0x21, 0x3D];
    private readonly byte[] _destination = new byte[FrameHeaderCodec.MaxServerHeaderLength];

    [Benchmark(Baseline = true)]
    public long ParseSevenBitLength() => Parse(_sevenBit);

    [Benchmark]
    public long ParseSixteenBitLength() => Parse(_sixteenBit);

    [Benchmark]
    public long ParseSixtyFourBitLength() => Parse(_sixtyFourBit);

    [Benchmark]
    public int WriteServerHeader() => FrameHeaderCodec.WriteServerHeader(_destination, Opcode.Binary, fin: true, 70_000);

    private static long Parse(byte[] bytes)
    {
        FrameHeaderCodec.TryParse(bytes, out FrameHeader header, out _);
        return header.PayloadLength;
    }
}
