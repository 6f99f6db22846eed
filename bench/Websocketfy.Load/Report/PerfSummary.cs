using System.Globalization;
using System.Text.RegularExpressions;

namespace Websocketfy.Load.Report;

/// <summary>
/// Reads `perf script -F comm,tid,ip,sym` (call stacks of a .NET daemon, innermost frame first) on
/// stdin and says where the time went: which kind of thread (pool workers idling, the socket engine's
/// epoll thread, the console logger or our log writer, work items), and within the work items the share of each frame
/// (inclusive) and of each leaf area (self). bench/profile uses it for its summary.
/// </summary>
internal static partial class PerfSummary
{
    public static int Run(Options options)
    {
        int top = options.Int("top", 45);
        options.CheckAllRead();
        var samples = ReadSamples(Console.In);
        if (samples.Count == 0)
        {
            Console.WriteLine("no samples");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{samples.Count} samples; by what the thread was doing:"));
        foreach (var (bucket, count) in samples.GroupBy(Bucket).Select(g => (g.Key, g.Count())).Where(p => p.Item2 * 500 >= samples.Count).OrderByDescending(p => p.Item2))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / samples.Count,5:0.0}%  {bucket}"));

        var work = samples.Where(s => Bucket(s) == WorkItems).ToList();
        if (work.Count == 0) return 0;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"within thread-pool work items ({work.Count} samples), inclusive share of each frame:"));
        var inclusive = new Dictionary<string, int>();
        foreach (var sample in work)
            foreach (string frame in sample.Stack.Select(Shorten).Distinct())
                inclusive[frame] = inclusive.GetValueOrDefault(frame) + 1;
        foreach (var (frame, count) in inclusive.OrderByDescending(p => p.Value).Take(top))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / work.Count,5:0.0}%  {frame}"));

        Console.WriteLine();
        Console.WriteLine("within thread-pool work items, self time by leaf (kernel time under the libc call that entered it):");
        foreach (var (area, count) in work.GroupBy(Leaf).Select(g => (g.Key, g.Count())).OrderByDescending(p => p.Item2).Take(top))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * count / work.Count,5:0.0}%  {area}"));
        return 0;
    }

    private const string WorkItems = "thread-pool work items (the daemon's code, continuations, socket completions)";

    private sealed record Sample(string Thread, List<string> Stack, List<bool> InKernel);

    private static List<Sample> ReadSamples(TextReader input)
    {
        var samples = new List<Sample>();
        Sample? current = null;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (line.Trim().Length == 0)
            {
                if (current is not null) samples.Add(current);
                current = null;
            }
            else if (!char.IsWhiteSpace(line[0]))
            {
                int lastSpace = line.TrimEnd().LastIndexOf(' ');
                current = new Sample(lastSpace > 0 ? line[..lastSpace].Trim() : line.Trim(), [], []);
            }
            else if (current is not null)
            {
                string[] parts = line.Trim().Split(' ', 2);
                current.Stack.Add(parts.Length > 1 ? parts[1] : "?");
                current.InKernel.Add(parts[0].StartsWith("ffffffff", StringComparison.Ordinal));
            }
        }
        if (current is not null) samples.Add(current);
        return samples;
    }

    private static string Bucket(Sample sample)
    {
        bool Has(string part) => sample.Stack.Any(f => f.Contains(part, StringComparison.Ordinal));
        if (Has("LowLevelLifoSemaphore") || Has("WorkerThreadStart") && !Has("ThreadPoolWorkQueue__Dispatch"))
            return "pool workers idle: spinning, yielding, sleeping between work items";
        if (Has("SocketAsyncEngine__EventLoop")) return "socket engine thread: epoll_wait, queueing completions";
        if (Has("ConsoleLoggerProcessor") || sample.Thread.StartsWith("Console", StringComparison.Ordinal))
            return "console logger thread: writing log lines";
        if (Has("LogBatchWriter__WriteLoop") || sample.Thread.StartsWith("log writer", StringComparison.Ordinal))
            return "log writer thread: batches of log lines (Ops/LogBatchWriter)";
        if (Has("ThreadPoolWorkQueue__Dispatch")) return WorkItems;
        if (Has("TimerQueue")) return "timer thread";
        // libc has no frame pointers: a sample inside it often ends there, its callers unknown.
        int user = sample.InKernel.IndexOf(false);
        return $"{ThreadKind().Replace(sample.Thread, "")}: stack ends in {(user < 0 ? "the kernel" : Shorten(sample.Stack[user]))} (callers unknown)";
    }

    private static string Leaf(Sample sample)
    {
        string leaf = sample.Stack[0];
        if (!sample.InKernel[0])
            return leaf.StartsWith("Rhp", StringComparison.Ordinal) && leaf.Contains("New", StringComparison.Ordinal) || leaf.Contains("GcAlloc", StringComparison.Ordinal)
                ? "allocation (RhpNew*, GC)" : Shorten(leaf);
        // Kernel time: named by the first user-space frame above it (the libc call that entered the kernel).
        int user = sample.InKernel.IndexOf(false);
        return "kernel, entered from " + (user < 0 ? "?" : Shorten(sample.Stack[user]));
    }

    private static string Shorten(string frame)
    {
        frame = StateMachineSuffix().Replace(frame, "");
        frame = ModulePrefix().Replace(frame, "");
        return frame.Length > 120 ? frame[..120] + "…" : frame;
    }

    [GeneratedRegex(@"_d__\d+")]
    private static partial Regex StateMachineSuffix();

    [GeneratedRegex(@"^(websocketfy|S_P_CoreLib|System_Net_Sockets|System_Threading_Channels|Microsoft_Extensions_\w+?)_")]
    private static partial Regex ModulePrefix();

    [GeneratedRegex(@"\s*\d+$")]
    private static partial Regex ThreadKind();
}
