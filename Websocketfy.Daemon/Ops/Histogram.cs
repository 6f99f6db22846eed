namespace Websocketfy.Daemon.Ops;

/// <summary>
/// A Prometheus histogram with fixed buckets, cheap enough for hot paths: an observation finds its
/// bucket by a short scan and pays two atomic adds. Buckets are counted individually and made
/// cumulative only when rendered, so writers never touch more than one bucket.
/// </summary>
internal sealed class Histogram
{
    private readonly long[] _upperBounds;   // in raw units (ticks, bytes), ascending, each inclusive ("le")
    private readonly long[] _counts;        // one per bound, plus the last for +Inf
    private long _sum;

    /// <param name="upperBounds">Bucket bounds in the unit rendered (seconds, bytes), ascending.</param>
    /// <param name="rawPerUnit">Raw units per rendered unit: TimeSpan ticks per second for durations, 1 for bytes.</param>
    public Histogram(double[] upperBounds, double rawPerUnit)
    {
        for (int i = 1; i < upperBounds.Length; i++)
        {
            if (upperBounds[i] <= upperBounds[i - 1]) throw new ArgumentException("bucket bounds must ascend", nameof(upperBounds));
        }
        UpperBounds = upperBounds;
        RawPerUnit = rawPerUnit;
        _upperBounds = Array.ConvertAll(upperBounds, b => (long)Math.Round(b * rawPerUnit));
        _counts = new long[upperBounds.Length + 1];
    }

    /// <summary>The bounds as rendered in the le label.</summary>
    public double[] UpperBounds { get; }
    public double RawPerUnit { get; }

    public void Observe(long raw)
    {
        int bucket = 0;
        while (bucket < _upperBounds.Length && raw > _upperBounds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sum, raw);
    }

    public void Observe(TimeSpan duration) => Observe(duration.Ticks);

    /// <summary>Cumulative counts per bound (the last one is +Inf, which is also the count) and the sum in rendered units.
    /// Read without a lock: an observation landing meanwhile may show in the buckets and not yet in the sum.</summary>
    public (long[] Cumulative, double Sum) Read()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return (cumulative, Interlocked.Read(ref _sum) / RawPerUnit);
    }

    /// <summary>Bounds for durations, 0.5 ms to 60 s: SiREN replies and commands range from sub-millisecond
    /// SELECTs to minute-long similarity searches and file transfers.</summary>
    public static Histogram ForDurations() =>
        new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], TimeSpan.TicksPerSecond);

    /// <summary>Bounds for file sizes, 1 KiB to 4 GiB by powers of four: thumbnails to whole-study volumes.</summary>
    public static Histogram ForFileSizes() =>
        new([1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824, 4294967296], 1);
}
