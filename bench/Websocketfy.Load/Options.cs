using System.Globalization;
using System.Net;

namespace Websocketfy.Load;

/// <summary>"--name value" pairs after the mode word; every value is checked where it is read.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Options(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unexpected argument '{name}'");
            if (!e.MoveNext()) throw new UsageException($"{name} needs a value");
            _values[name[2..]] = e.Current;
        }
    }

    public string Text(string name, string? fallback = null)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out string? value) ? value
             : fallback ?? throw new UsageException($"--{name} is required");
    }

    public int Int(string name, int? fallback = null)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out string? value))
            return fallback ?? throw new UsageException($"--{name} is required");
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            throw new UsageException($"--{name} must be a whole number, not '{value}'");
        return number;
    }

    public bool Flag(string name) => Text(name, "false") switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        var other => throw new UsageException($"--{name} must be true or false, not '{other}'"),
    };

    public IPEndPoint Target() => new(IPAddress.Loopback, Int("port"));

    /// <summary>--watch name=pid,name=pid: the server processes whose CPU and memory the window records.</summary>
    public List<Measure.ProcessTree> Watched()
    {
        var trees = new List<Measure.ProcessTree>();
        foreach (string item in Text("watch", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = item.Split('=');
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                throw new UsageException($"--watch wants name=pid[,name=pid...], not '{item}'");
            trees.Add(new Measure.ProcessTree(parts[0], pid));
        }
        return trees;
    }

    /// <summary>Fails on options given but never read (a typo must not silently measure something else).</summary>
    public void CheckAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }
}

internal sealed class UsageException(string message) : Exception(message);
