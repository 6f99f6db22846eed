using BenchmarkDotNet.Attributes;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Bench;

/// <summary>
/// What /metrics costs the hot path: a histogram observation (find the bucket among 16 fixed bounds, two
/// atomic adds) against a plain counter (one atomic add), and rendering the whole exposition for a scrape.
/// </summary>
public class MetricsBenchmarks
{
    private readonly Metrics _metrics = new();
    private readonly TimeSpan _typicalReply = TimeSpan.FromMilliseconds(0.3);
    private readonly TimeSpan _slowCommand = TimeSpan.FromSeconds(3);

    [Benchmark(Baseline = true)]
    public void Counter() => _metrics.SqlCommand();

    [Benchmark]
    public void HistogramFastBucket() => _metrics.SirenReplied(_typicalReply);

    [Benchmark]
    public void HistogramSlowBucketByKind() => _metrics.CommandDuration(CommandKind.Blank, _slowCommand);

    [Benchmark]
    public void FileSent() => _metrics.FileSent(564);

    [Benchmark]
    public string RenderExposition() => _metrics.RenderPrometheus(new LiveGauges(3, 2, 0, SirenUp: true));
}
