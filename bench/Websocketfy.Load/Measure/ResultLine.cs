using System.Globalization;
using System.Text;

namespace Websocketfy.Load.Measure;

/// <summary>
/// One measurement as one line on stdout: "result", then key=value fields separated by tabs.
/// bench/run collects these lines; the report reads them back.
/// </summary>
internal sealed class ResultLine
{
    private readonly List<(string Key, string Value)> _fields = [];

    public ResultLine(string workload, string target, int repeat)
    {
        Add("workload", workload);
        Add("target", target);
        Add("repeat", repeat);
    }

    public void Add(string key, string value) => _fields.Add((key, value));

    public void Add(string key, double value) => Add(key, value.ToString("0.######", CultureInfo.InvariantCulture));

    public void Add(string key, long value) => Add(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Median, p99, min and max of round trips given in Stopwatch ticks, as microseconds.</summary>
    public void AddLatencies(long[] ticks, string prefix = "")
    {
        if (ticks.Length == 0) return;
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double us(long t) => t * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
        Add(prefix + "median_us", us(sorted[sorted.Length / 2]));
        Add(prefix + "p99_us", us(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]));
        Add(prefix + "min_us", us(sorted[0]));
        Add(prefix + "max_us", us(sorted[^1]));
    }

    public override string ToString()
    {
        var line = new StringBuilder("result");
        foreach (var (key, value) in _fields) line.Append('\t').Append(key).Append('=').Append(value);
        return line.ToString();
    }

    /// <summary>Parses a line written by <see cref="ToString"/>; null for any other line.</summary>
    public static Dictionary<string, string>? Parse(string line)
    {
        if (!line.StartsWith("result\t", StringComparison.Ordinal)) return null;
        var fields = new Dictionary<string, string>();
        foreach (string field in line.Split('\t').Skip(1))
        {
            int eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) fields[field[..eq]] = field[(eq + 1)..];
        }
        return fields;
    }
}
