using System.Globalization;
using Websocketfy.Load.Native;

namespace Websocketfy.Load.Measure;

/// <summary>
/// A server process and its descendants as /proc shows them (websockify forks one child per
/// connection; nginx has a master and a worker): CPU time, memory, peak resident memory.
/// </summary>
internal sealed class ProcessTree(string name, int pid)
{
    private static readonly double TicksPerSecond = Libc.ClockTicksPerSecond;

    public string Name { get; } = name;

    public int Pid { get; } = pid;

    /// <summary>CPU seconds (user + system) of the process, its live descendants, and the children they reaped.</summary>
    public double CpuSeconds() => Members().Sum(CpuTicks) / TicksPerSecond;

    /// <summary>Proportional set size summed over the tree, KiB: resident memory with pages shared between
    /// the members (websockify's forked children, nginx's master and worker) counted once.</summary>
    public long PssKib() => Members().Sum(p => ProcKib($"/proc/{p}/smaps_rollup", "Pss:"));

    /// <summary>The largest VmHWM (peak resident set) of any member, KiB: the server process proper.</summary>
    public long PeakRssKib() => Members().Max(p => ProcKib($"/proc/{p}/status", "VmHWM:"));

    public bool IsAlive => File.Exists($"/proc/{Pid}/stat");

    private List<int> Members()
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int child)) continue;
            string[]? fields = StatFields(child);
            if (fields is null) continue;
            int parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!parents.TryGetValue(parent, out var children)) parents[parent] = children = [];
            children.Add(child);
        }
        var members = new List<int> { Pid };
        for (int i = 0; i < members.Count; i++)
            if (parents.TryGetValue(members[i], out var children)) members.AddRange(children);
        return members;
    }

    private static long CpuTicks(int pid)
    {
        string[]? f = StatFields(pid);
        if (f is null) return 0;
        // Fields after "(comm)": [0]=state [1]=ppid ... [11]=utime [12]=stime [13]=cutime [14]=cstime.
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)
             + long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
    }

    /// <summary>The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // exited meanwhile
        }
    }

    private static long ProcKib(string file, string key)
    {
        try
        {
            foreach (string line in File.ReadLines(file))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}
