using System.Buffers.Binary;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>A small deterministic generator (SplitMix64). System.Random's seeded output is not
/// promised to stay the same across .NET versions; a reproducer must replay the same bytes forever.</summary>
internal struct FuzzRandom
{
    private ulong _state;

    public FuzzRandom(ulong seed) => _state = seed;

    /// <summary>The generator of one case: a case replays from (seed, index) alone, whatever ran before it.</summary>
    public static FuzzRandom ForCase(ulong seed, ulong stream, long caseIndex) =>
        new(Mix(Mix(seed ^ stream) + (ulong)caseIndex));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15;
        return Mix(_state);
    }

    /// <summary>0 &lt;= result &lt; bound (bound &gt; 0). The modulo bias is irrelevant for fuzzing.</summary>
    public int Below(int bound) => (int)(NextUInt64() % (ulong)bound);

    public int Between(int minInclusive, int maxInclusive) => minInclusive + Below(maxInclusive - minInclusive + 1);

    public bool Percent(int percent) => Below(100) < percent;

    public byte NextByte() => (byte)NextUInt64();

    public void Fill(Span<byte> destination)
    {
        while (destination.Length >= sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, NextUInt64());
            destination = destination[sizeof(ulong)..];
        }
        ulong last = NextUInt64();
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)(last >> (8 * i));
        }
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    /// <summary>A length in [0, max] that favours small values: the bit width is uniform, so 0-15
    /// is as likely as 2048-4095. Edge cases of length fields live at both ends.</summary>
    public long SkewedLength(long max)
    {
        if (max <= 0)
        {
            return 0;
        }
        int bits = 64 - (int)ulong.LeadingZeroCount((ulong)max);
        int width = Between(0, bits);
        long value = width == 0 ? 0 : (long)(NextUInt64() >> (64 - width));
        return Math.Min(value, max);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
