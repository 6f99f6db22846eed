using System.Globalization;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>One sample line: its metric name, labels (in the order written) and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    public string? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;
}

/// <summary>A metric family: HELP, TYPE (untyped when none was given) and its samples in order.</summary>
public sealed class PrometheusFamily(string name)
{
    public string Name { get; } = name;
    public string Type { get; set; } = "untyped";
    public string? Help { get; set; }
    public List<PrometheusSample> Samples { get; } = [];
}

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's specification
/// (prometheus.io/docs/instrumenting/exposition_formats), to check what the daemon serves on /metrics.
/// Beyond the grammar (names, label escapes, Go float syntax, timestamps) it enforces the rules a scraper
/// relies on: at most one HELP and one TYPE per family, both before its samples; each family in one
/// contiguous group; no two samples with the same name and label set; counters not negative; histograms
/// with _bucket samples carrying an le label in increasing order, cumulative counts, a le="+Inf" bucket equal
/// to _count, and a _sum; a trailing line feed. Any breach throws <see cref="FormatException"/> naming the line.
/// </summary>
public sealed class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private readonly Dictionary<string, PrometheusFamily> _families = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _closedFamilies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seriesSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _helpSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _typeSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _familiesWithSamples = new(StringComparer.Ordinal);
    private string? _currentFamily;
    private int _lineNumber;

    private PrometheusText() { }

    public IReadOnlyList<PrometheusFamily> Families => [.. _order.Select(n => _families[n])];

    public PrometheusFamily Family(string name) =>
        _families.TryGetValue(name, out var family) ? family : throw new KeyNotFoundException($"no metric family {name}");

    /// <summary>The value of the one sample with exactly this name and these labels (any order).</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        string key = SeriesKey(name, [.. labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value))]);
        foreach (var family in _families.Values)
        {
            foreach (var sample in family.Samples)
            {
                if (SeriesKey(sample.Name, sample.Labels) == key) return sample.Value;
            }
        }
        throw new KeyNotFoundException($"no sample {key}");
    }

    /// <summary>Parses and validates a whole exposition.</summary>
    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        parsed.Read(text);
        return parsed;
    }

    private void Read(string text)
    {
        if (text.Length > 0 && text[^1] != '\n') throw new FormatException("the exposition does not end with a line feed");
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            _lineNumber = i + 1;
            ReadLine(lines[i]);
        }
        foreach (var family in _families.Values) CheckFamily(family);
    }

    private void ReadLine(string line)
    {
        string trimmed = line.Trim(' ', '\t');
        if (trimmed.Length == 0) return;
        if (trimmed[0] == '#')
        {
            ReadComment(trimmed);
            return;
        }
        ReadSample(trimmed);
    }

    private void ReadComment(string line)
    {
        var cursor = new Cursor(line, 1, _lineNumber);
        cursor.SkipBlanks();
        string keyword = cursor.Token();
        if (keyword is not ("HELP" or "TYPE")) return; // an ordinary comment
        cursor.RequireBlanks();
        string name = cursor.MetricName();
        if (keyword == "TYPE")
        {
            cursor.RequireBlanks();
            string type = cursor.Token();
            cursor.SkipBlanks();
            if (!cursor.AtEnd) throw Fail("text after the type");
            if (!Types.Contains(type)) throw Fail($"unknown type '{type}'");
            if (!_typeSeen.Add(name)) throw Fail($"a second TYPE line for {name}");
            EnterFamily(name, isMetadata: true).Type = type;
        }
        else
        {
            string help = "";
            if (!cursor.AtEnd)
            {
                cursor.RequireBlanks();
                help = cursor.HelpText();
            }
            if (!_helpSeen.Add(name)) throw Fail($"a second HELP line for {name}");
            EnterFamily(name, isMetadata: true).Help = help;
        }
    }

    private void ReadSample(string line)
    {
        var cursor = new Cursor(line, 0, _lineNumber);
        string name = cursor.MetricName();
        var labels = new List<KeyValuePair<string, string>>();
        bool blankAfterName = cursor.SkipBlanks();
        if (cursor.Peek == '{')
        {
            cursor.Advance();
            var names = new HashSet<string>(StringComparer.Ordinal);
            cursor.SkipBlanks();
            while (cursor.Peek != '}')
            {
                string label = cursor.LabelName();
                if (label.StartsWith("__", StringComparison.Ordinal)) throw Fail($"label name {label} is reserved");
                if (!names.Add(label)) throw Fail($"label {label} given twice");
                cursor.SkipBlanks();
                cursor.Expect('=');
                cursor.SkipBlanks();
                labels.Add(new(label, cursor.LabelValue()));
                cursor.SkipBlanks();
                if (cursor.Peek == ',')
                {
                    cursor.Advance();
                    cursor.SkipBlanks();
                }
                else if (cursor.Peek != '}')
                {
                    throw Fail("expected ',' or '}' after a label");
                }
            }
            cursor.Advance();
            cursor.RequireBlanks();
        }
        else if (!blankAfterName)
        {
            throw Fail("expected a blank after the metric name");
        }
        double value = ParseValue(cursor.Token());
        cursor.SkipBlanks();
        if (!cursor.AtEnd)
        {
            string timestamp = cursor.Token();
            if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                throw Fail($"'{timestamp}' is not a timestamp (milliseconds as an integer)");
            cursor.SkipBlanks();
            if (!cursor.AtEnd) throw Fail("text after the timestamp");
        }

        string familyName = FamilyOf(name);
        var family = EnterFamily(familyName, isMetadata: false);
        if (!_seriesSeen.Add(SeriesKey(name, labels))) throw Fail($"duplicate series {SeriesKey(name, labels)}");
        if (family.Type is "counter" && (value < 0 || double.IsNaN(value))) throw Fail($"counter {name} is {value}");
        if (family.Type is "counter" or "gauge" or "untyped" && name != familyName)
            throw Fail($"{name} in {family.Type} family {familyName}");
        if (family.Type is "histogram" && name == familyName) throw Fail($"histogram {familyName} has a sample without suffix");
        if (family.Type is "histogram" && name.EndsWith("_bucket", StringComparison.Ordinal) && !labels.Any(l => l.Key == "le"))
            throw Fail($"{name} has no le label");
        family.Samples.Add(new PrometheusSample(name, labels, value));
    }

    /// <summary>x_bucket, x_sum and x_count belong to family x when x was declared a histogram (or summary).</summary>
    private string FamilyOf(string name)
    {
        foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal)) continue;
            string stem = name[..^suffix.Length];
            if (_families.TryGetValue(stem, out var family) && family.Type is "histogram" or "summary"
                && (suffix != "_bucket" || family.Type == "histogram"))
                return stem;
        }
        return name;
    }

    private PrometheusFamily EnterFamily(string name, bool isMetadata)
    {
        if (_currentFamily != name)
        {
            if (_closedFamilies.Contains(name)) throw Fail($"lines of {name} are not in one group");
            if (_currentFamily is not null) _closedFamilies.Add(_currentFamily);
            _currentFamily = name;
        }
        if (!_families.TryGetValue(name, out var family))
        {
            family = new PrometheusFamily(name);
            _families[name] = family;
            _order.Add(name);
        }
        if (isMetadata && _familiesWithSamples.Contains(name)) throw Fail($"HELP or TYPE of {name} after its samples");
        if (!isMetadata) _familiesWithSamples.Add(name);
        return family;
    }

    private void CheckFamily(PrometheusFamily family)
    {
        if (family.Type != "histogram") return;
        string name = family.Name;
        var groups = family.Samples.GroupBy(s => SeriesKey("", [.. s.Labels.Where(l => l.Key != "le")]));
        foreach (var group in groups)
        {
            var buckets = group.Where(s => s.Name == name + "_bucket").ToList();
            if (buckets.Count == 0) throw new FormatException($"histogram {name}{group.Key} has no buckets");
            double previousBound = double.NegativeInfinity, previousCount = 0;
            foreach (var bucket in buckets)
            {
                double bound = ParseValue(bucket.Label("le")!);
                if (double.IsNaN(bound) || bound <= previousBound)
                    throw new FormatException($"histogram {name}{group.Key}: le=\"{bucket.Label("le")}\" is not above the bucket before");
                if (bucket.Value < previousCount)
                    throw new FormatException($"histogram {name}{group.Key}: bucket le=\"{bucket.Label("le")}\" is not cumulative");
                previousBound = bound;
                previousCount = bucket.Value;
            }
            if (!double.IsPositiveInfinity(previousBound)) throw new FormatException($"histogram {name}{group.Key} has no le=\"+Inf\" bucket");
            var count = group.SingleOrDefault(s => s.Name == name + "_count")
                ?? throw new FormatException($"histogram {name}{group.Key} has no _count");
            if (group.SingleOrDefault(s => s.Name == name + "_sum") is null) throw new FormatException($"histogram {name}{group.Key} has no _sum");
            if (count.Value != previousCount)
                throw new FormatException($"histogram {name}{group.Key}: _count {count.Value} differs from the +Inf bucket {previousCount}");
        }
    }

    /// <summary>Go's strconv.ParseFloat, as Prometheus uses it: decimal or exponent notation, NaN, ±Inf.</summary>
    private double ParseValue(string text)
    {
        switch (text)
        {
            case "NaN": return double.NaN;
            case "+Inf" or "Inf": return double.PositiveInfinity;
            case "-Inf": return double.NegativeInfinity;
        }
        if (text.Length == 0 || !text.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw Fail($"'{text}' is not a number");
        return value;
    }

    private static string SeriesKey(string name, IEnumerable<KeyValuePair<string, string>> labels) =>
        name + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";

    private FormatException Fail(string problem) => new($"line {_lineNumber}: {problem}");

    /// <summary>Walks one line.</summary>
    private sealed class Cursor(string line, int start, int lineNumber)
    {
        private int _at = start;

        public bool AtEnd => _at >= line.Length;
        public char Peek => AtEnd ? '\0' : line[_at];
        public void Advance() => _at++;

        /// <summary>Whether there was any blank to skip.</summary>
        public bool SkipBlanks()
        {
            int begin = _at;
            while (!AtEnd && line[_at] is ' ' or '\t') _at++;
            return _at > begin;
        }

        public void RequireBlanks()
        {
            if (AtEnd || line[_at] is not (' ' or '\t')) throw Fail("expected a blank");
            SkipBlanks();
        }

        public void Expect(char c)
        {
            if (Peek != c) throw Fail($"expected '{c}'");
            _at++;
        }

        public string Token()
        {
            int begin = _at;
            while (!AtEnd && line[_at] is not (' ' or '\t')) _at++;
            if (_at == begin) throw Fail("expected a token");
            return line[begin.._at];
        }

        public string MetricName()
        {
            int begin = _at;
            if (AtEnd || !(char.IsAsciiLetter(Peek) || Peek is '_' or ':')) throw Fail("expected a metric name");
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek) || Peek is '_' or ':')) _at++;
            return line[begin.._at];
        }

        public string LabelName()
        {
            int begin = _at;
            if (AtEnd || !(char.IsAsciiLetter(Peek) || Peek == '_')) throw Fail("expected a label name");
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek) || Peek == '_')) _at++;
            return line[begin.._at];
        }

        /// <summary>A quoted label value: \\, \" and \n are its only escapes.</summary>
        public string LabelValue()
        {
            Expect('"');
            return Unescaped(quoted: true);
        }

        /// <summary>The rest of a HELP line: \\ and \n are its only escapes.</summary>
        public string HelpText() => Unescaped(quoted: false);

        /// <summary>Text up to the closing quote (quoted) or the end of the line, escapes resolved.</summary>
        private string Unescaped(bool quoted)
        {
            string what = quoted ? "a label value" : "a HELP text";
            var text = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    if (quoted) throw Fail("unterminated label value");
                    return text.ToString();
                }
                char c = line[_at++];
                if (quoted && c == '"') return text.ToString();
                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }
                if (AtEnd) throw Fail($"{what} ends with a lone backslash");
                char escaped = line[_at++];
                text.Append(escaped switch
                {
                    '\\' => '\\',
                    'n' => '\n',
                    '"' when quoted => '"',
                    _ => throw Fail($"'\\{escaped}' is not an escape in {what}"),
                });
            }
        }

        private FormatException Fail(string problem) => new($"line {lineNumber}: {problem}");
    }
}
