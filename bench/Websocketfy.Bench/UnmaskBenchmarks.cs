using BenchmarkDotNet.Attributes;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Bench;

/// <summary>
/// Masking.Apply (in place) against Span.CopyTo of the same size, the memory-bandwidth floor
/// any unmasking must pay. The goal is at least 0.5x CopyTo's throughput at 64 KiB.
/// </summary>
public class UnmaskBenchmarks
{
    private const int MaskKey = 0x3D21FA37;

    private byte[] _source = [];
    private byte[] _destination = [];

    [Params(1024, 64 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = new byte[Size + 1];
        _destination = new byte[Size + 1];
        new Random(1).NextBytes(_source);
    }

    [Benchmark(Baseline = true)]
    public void CopyTo() => _source.AsSpan(0, Size).CopyTo(_destination);

    [Benchmark]
    public void Unmask() => Masking.Apply(_destination.AsSpan(0, Size), MaskKey, 0);

    /// <summary>A piece of a payload that starts one byte into the buffer and at key offset 3.</summary>
    [Benchmark]
    public void UnmaskMisalignedAtOffset() => Masking.Apply(_destination.AsSpan(1, Size), MaskKey, 3);

    /// <summary>What a per-byte loop costs, for scale.</summary>
    [Benchmark]
    public void NaiveByteLoop()
    {
        Span<byte> data = _destination.AsSpan(0, Size);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= (byte)(MaskKey >> (8 * (i & 3)));
        }
    }
}
