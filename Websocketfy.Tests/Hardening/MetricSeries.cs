using System.Globalization;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Hardening;

/// <summary>Reads one series from the daemon's /metrics text, for counters the Metrics type does not expose as properties.</summary>
internal static class MetricSeries
{
    /// <param name="series">The series name with its labels, exactly as rendered (e.g. <c>websocketfy_closes_total{code="1001"}</c>).</param>
    public static long Read(Metrics metrics, string series)
    {
        foreach (string line in metrics.RenderPrometheus().Split('\n'))
        {
            if (line.Length > series.Length && line.StartsWith(series, StringComparison.Ordinal) && line[series.Length] == ' ')
                return long.Parse(line.AsSpan(series.Length + 1), CultureInfo.InvariantCulture);
        }
        throw new ArgumentException($"no series {series} in the metrics text", nameof(series));
    }
}
