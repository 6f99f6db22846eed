using System.Globalization;
using Websocketfy.Load.Measure;

namespace Websocketfy.Load.Report;

/// <summary>A figure over the repeats of a run: median, and the range it moved in.</summary>
internal readonly record struct Spread(double Median, double Min, double Max, int Count)
{
    public static Spread? Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return null;
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted.Length);
    }
}

/// <summary>The "result" lines of one run, looked up by workload, target and repeat.</summary>
internal sealed class Measurements
{
    private readonly List<Dictionary<string, string>> _lines;

    private Measurements(List<Dictionary<string, string>> lines) => _lines = lines;

    public static Measurements Load(string path) =>
        new(File.ReadLines(path).Select(ResultLine.Parse).OfType<Dictionary<string, string>>().ToList());

    public IEnumerable<Dictionary<string, string>> Lines(string workload, string? target = null) =>
        _lines.Where(l => l.GetValueOrDefault("workload") == workload && (target is null || l.GetValueOrDefault("target") == target));

    /// <summary>Why a measurement has no figures: "failed: ..." or "not available ...", or null when it has some.</summary>
    public string? Problem(string workload, string target)
    {
        var lines = Lines(workload, target).ToList();
        if (lines.Count == 0)
        {
            // A baseline that was not run for the same reason as the daemon's row (the real SiREN not built...).
            var other = Lines(workload).FirstOrDefault(l => l.ContainsKey("unavailable"));
            return other?["unavailable"] ?? "not measured";
        }
        var good = lines.Where(l => !l.ContainsKey("failed") && !l.ContainsKey("unavailable")).ToList();
        if (good.Count > 0) return null;
        var first = lines[0];
        return first.TryGetValue("unavailable", out string? why) ? why : "failed: " + first.GetValueOrDefault("failed", "?");
    }

    /// <summary>One value per repeat, computed from that repeat's line.</summary>
    public Dictionary<int, double> PerRepeat(string workload, string target, Func<Dictionary<string, string>, double> value)
    {
        var byRepeat = new Dictionary<int, double>();
        foreach (var line in Lines(workload, target))
        {
            if (line.ContainsKey("failed") || line.ContainsKey("unavailable")) continue;
            double v = value(line);
            if (double.IsFinite(v)) byRepeat[int.Parse(line["repeat"], CultureInfo.InvariantCulture)] = v;
        }
        return byRepeat;
    }

    public Spread? Figure(string workload, string target, Func<Dictionary<string, string>, double> value) =>
        Spread.Of(PerRepeat(workload, target, value).Values);

    /// <summary>The ratio a/b within each repeat (same-run), over the repeats.</summary>
    public Spread? Ratio(string workloadA, string targetA, Func<Dictionary<string, string>, double> a,
                         string workloadB, string targetB, Func<Dictionary<string, string>, double> b)
    {
        var left = PerRepeat(workloadA, targetA, a);
        var right = PerRepeat(workloadB, targetB, b);
        return Spread.Of(left.Where(p => right.ContainsKey(p.Key) && right[p.Key] != 0).Select(p => p.Value / right[p.Key]));
    }

    public static Func<Dictionary<string, string>, double> Field(string name) =>
        line => line.TryGetValue(name, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : double.NaN;

    /// <summary>CPU microseconds of one watched process per operation.</summary>
    public static Func<Dictionary<string, string>, double> CpuPerOp(string process) =>
        line => Field($"cpu_{process}_s")(line) * 1e6 / Field("ops")(line);
}
