using System.Globalization;
using System.Text;

namespace Websocketfy.Daemon.Ops;

/// <summary>Writes the Prometheus text exposition format 0.0.4: each family's HELP and TYPE once,
/// then its samples; label values escaped; numbers in invariant culture.</summary>
internal sealed class PrometheusWriter
{
    private readonly StringBuilder _text = new(8192);

    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (char c in help)
        {
            // HELP text escapes only backslash and newline.
            if (c == '\\') _text.Append("\\\\");
            else if (c == '\n') _text.Append("\\n");
            else _text.Append(c);
        }
        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Counter(string name, string help, long value)
    {
        Family(name, "counter", help);
        Sample(name, value);
    }

    public void Gauge(string name, string help, long value)
    {
        Family(name, "gauge", help);
        Sample(name, value);
    }

    public void Sample(string name, long value, string? label = null, string? labelValue = null) =>
        Sample(name, value.ToString(CultureInfo.InvariantCulture), label, labelValue);

    /// <summary>A sample with two labels (a series by two dimensions, such as op and outcome).</summary>
    public void Sample(string name, long value, (string Name, string Value) first, (string Name, string Value) second)
    {
        _text.Append(name).Append('{');
        AppendLabel(first.Name, first.Value).Append(',');
        AppendLabel(second.Name, second.Value).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>The _bucket, _sum and _count samples of one histogram series (the family header is the caller's).</summary>
    public void Histogram(string name, Histogram histogram, string? label = null, string? labelValue = null)
    {
        var (cumulative, sum) = histogram.Read();
        for (int i = 0; i < cumulative.Length; i++)
        {
            _text.Append(name).Append("_bucket{");
            if (label is not null) AppendLabel(label, labelValue!).Append(',');
            AppendLabel("le", i < histogram.UpperBounds.Length ? Number(histogram.UpperBounds[i]) : "+Inf");
            _text.Append("} ").Append(cumulative[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        Sample(name + "_sum", Number(sum), label, labelValue);
        Sample(name + "_count", cumulative[^1].ToString(CultureInfo.InvariantCulture), label, labelValue);
    }

    private void Sample(string name, string value, string? label, string? labelValue)
    {
        _text.Append(name);
        if (label is not null)
        {
            _text.Append('{');
            AppendLabel(label, labelValue!);
            _text.Append('}');
        }
        _text.Append(' ').Append(value).Append('\n');
    }

    private StringBuilder AppendLabel(string label, string value)
    {
        _text.Append(label).Append("=\"");
        foreach (char c in value)
        {
            if (c == '\\') _text.Append("\\\\");
            else if (c == '"') _text.Append("\\\"");
            else if (c == '\n') _text.Append("\\n");
            else _text.Append(c);
        }
        return _text.Append('"');
    }

    /// <summary>Shortest round-trip form ("0.0005", "1048576", "1E+15"), which Prometheus parses back exactly.</summary>
    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
