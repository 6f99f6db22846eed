using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Commands;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The counters and histograms as rendered, read back with the format checker.</summary>
public sealed class MetricsTests
{
    [Test]
    public void FreshMetrics_RenderAValidExposition_WithEveryFamilyTyped()
    {
        var text = PrometheusText.Parse(new Metrics().RenderPrometheus());
        Assert.That(text.Families.Select(f => f.Type), Has.None.EqualTo("untyped"));
        Assert.That(text.Families.Select(f => f.Help), Has.All.Not.Null);
        Assert.That(text.Families.Select(f => f.Name), Is.SupersetOf(new[]
        {
            "websocketfy_siren_reply_duration_seconds", "websocketfy_command_duration_seconds", "websocketfy_file_size_bytes",
            "websocketfy_backend_connections_open", "websocketfy_backend_connections_busy", "websocketfy_backend_commands_waiting",
            "websocketfy_handshakes_failed_total", "websocketfy_tls_handshakes_total", "websocketfy_siren_up",
        }));
    }

    [Test]
    public void Durations_LandInTheirBuckets_Cumulatively_WithSumAndCount()
    {
        var metrics = new Metrics();
        metrics.SirenReplied(TimeSpan.FromMilliseconds(0.2));   // le 0.0005
        metrics.SirenReplied(TimeSpan.FromMilliseconds(0.5));   // le 0.0005 (bounds are inclusive)
        metrics.SirenReplied(TimeSpan.FromMilliseconds(30));    // le 0.05
        metrics.SirenReplied(TimeSpan.FromSeconds(90));         // only +Inf
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        const string name = "websocketfy_siren_reply_duration_seconds";
        Assert.That(text.Value(name + "_bucket", ("le", "0.0005")), Is.EqualTo(2));
        Assert.That(text.Value(name + "_bucket", ("le", "0.025")), Is.EqualTo(2));
        Assert.That(text.Value(name + "_bucket", ("le", "0.05")), Is.EqualTo(3));
        Assert.That(text.Value(name + "_bucket", ("le", "60")), Is.EqualTo(3));
        Assert.That(text.Value(name + "_bucket", ("le", "+Inf")), Is.EqualTo(4));
        Assert.That(text.Value(name + "_count"), Is.EqualTo(4));
        Assert.That(text.Value(name + "_sum"), Is.EqualTo(90.0307).Within(1e-9));
    }

    [Test]
    public void CommandDurations_AreSeparatedByKind()
    {
        var metrics = new Metrics();
        metrics.CommandDuration(CommandKind.Sql, TimeSpan.FromMilliseconds(3));
        metrics.CommandDuration(CommandKind.Sql, TimeSpan.FromMilliseconds(4));
        metrics.CommandDuration(CommandKind.FileRequest, TimeSpan.FromSeconds(2));
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        const string name = "websocketfy_command_duration_seconds";
        Assert.That(text.Value(name + "_count", ("kind", "sql")), Is.EqualTo(2));
        Assert.That(text.Value(name + "_bucket", ("kind", "sql"), ("le", "0.005")), Is.EqualTo(2));
        Assert.That(text.Value(name + "_count", ("kind", "file")), Is.EqualTo(1));
        Assert.That(text.Value(name + "_bucket", ("kind", "file"), ("le", "1")), Is.EqualTo(0));
        Assert.That(text.Value(name + "_count", ("kind", "blank")), Is.EqualTo(0));
        Assert.That(text.Value(name + "_count", ("kind", "quit")), Is.EqualTo(0));
    }

    [Test]
    public void FileSizes_GoToTheSizeHistogram_AndTheByteCounter()
    {
        var metrics = new Metrics();
        metrics.FileSent(564);
        metrics.FileSent(64 * 1024 * 1024);
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        Assert.That(text.Value("websocketfy_file_size_bytes_bucket", ("le", "1024")), Is.EqualTo(1));
        Assert.That(text.Value("websocketfy_file_size_bytes_bucket", ("le", "67108864")), Is.EqualTo(2));
        Assert.That(text.Value("websocketfy_file_size_bytes_sum"), Is.EqualTo(564 + 64.0 * 1024 * 1024));
        Assert.That(text.Value("websocketfy_file_bytes_sent_total"), Is.EqualTo(564 + 64.0 * 1024 * 1024));
    }

    [Test]
    public void HandshakeFailures_AreCountedByStatus()
    {
        var metrics = new Metrics();
        metrics.HandshakeFailed(403);
        metrics.HandshakeFailed(403);
        metrics.HandshakeFailed(431);
        metrics.HandshakeFailed(418);
        metrics.HandshakeTimedOut();
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        Assert.That(text.Value("websocketfy_handshakes_failed_total", ("status", "403")), Is.EqualTo(2));
        Assert.That(text.Value("websocketfy_handshakes_failed_total", ("status", "431")), Is.EqualTo(1));
        Assert.That(text.Value("websocketfy_handshakes_failed_total", ("status", "400")), Is.EqualTo(0));
        Assert.That(text.Value("websocketfy_handshakes_failed_total", ("status", "other")), Is.EqualTo(1));
        Assert.That(text.Value("websocketfy_handshake_timeouts_total"), Is.EqualTo(1));
    }

    [Test]
    public void TlsHandshakes_AreCountedByOutcome()
    {
        var metrics = new Metrics();
        metrics.TlsHandshakeSucceeded();
        metrics.TlsHandshakeSucceeded();
        metrics.TlsHandshakeFailed();
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        Assert.That(text.Value("websocketfy_tls_handshakes_total", ("outcome", "succeeded")), Is.EqualTo(2));
        Assert.That(text.Value("websocketfy_tls_handshakes_total", ("outcome", "failed")), Is.EqualTo(1));
    }

    [Test]
    public void LiveGauges_AreRenderedAsGiven()
    {
        var text = PrometheusText.Parse(new Metrics().RenderPrometheus(new LiveGauges(PoolIdle: 3, PoolBusy: 5, PoolWaiting: 7, SirenUp: true)));
        Assert.That(text.Value("websocketfy_backend_connections_idle"), Is.EqualTo(3));
        Assert.That(text.Value("websocketfy_backend_connections_busy"), Is.EqualTo(5));
        Assert.That(text.Value("websocketfy_backend_commands_waiting"), Is.EqualTo(7));
        Assert.That(text.Value("websocketfy_siren_up"), Is.EqualTo(1));
    }

    [Test]
    public void CloseWithoutFrame_HasASeriesOfItsOwn()
    {
        var metrics = new Metrics();
        metrics.Closed(0);
        metrics.Closed(4000);
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        Assert.That(text.Value("websocketfy_closes_total", ("code", "0")), Is.EqualTo(1));
        Assert.That(text.Value("websocketfy_closes_total", ("code", "other")), Is.EqualTo(1));
    }

    [Test]
    public void ConcurrentObservations_AreAllCounted()
    {
        var metrics = new Metrics();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++) metrics.CommandDuration(CommandKind.Blank, TimeSpan.FromTicks(i));
        });
        var text = PrometheusText.Parse(metrics.RenderPrometheus());
        Assert.That(text.Value("websocketfy_command_duration_seconds_count", ("kind", "blank")), Is.EqualTo(80_000));
        Assert.That(text.Value("websocketfy_command_duration_seconds_sum", ("kind", "blank")), Is.EqualTo(8 * (9_999.0 * 10_000 / 2) / TimeSpan.TicksPerSecond).Within(1e-9));
    }
}
