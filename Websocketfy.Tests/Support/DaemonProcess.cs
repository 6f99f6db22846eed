using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Websocketfy.Tests.Support;

/// <summary>
/// The process a daemon runs in, and what it holds. Either the built daemon started as a child
/// (<see cref="Start"/>: `dotnet websocketfy.dll ...`, copied next to the test assembly by the project
/// reference) for exit codes, its output and signals; or <see cref="InProcess"/>, this test process, which
/// hosts <see cref="GatewayHarness"/>'s daemon, for its descriptors and memory.
/// </summary>
/// <remarks>
/// The daemon writes its log lines from a logger thread of its own, in its own time: a line is not there
/// because an earlier line or a reply is. Wait for the line an assertion needs with
/// <c>Output.WaitForAsync</c>; <c>Output.SoFar</c> is only for "not written" checks made after waiting for a
/// line that comes later.
/// </remarks>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process? _child;
    private readonly OutputLines? _output;
    private int _streamsEnded;

    private DaemonProcess(Process? child)
    {
        _child = child;
        if (child is not null) _output = new OutputLines($"the daemon (pid {child.Id})");
    }

    /// <summary>This test process, where <see cref="GatewayHarness"/> runs the daemon. Its counts are process-wide
    /// (the harness's clients and SiREN peer live here too), so fixtures that measure them do not run in parallel.</summary>
    public static DaemonProcess InProcess { get; } = new(null);

    public static string DaemonPath => Path.Combine(AppContext.BaseDirectory, "websocketfy.dll");

    /// <summary>WEBSOCKETFY_TEST_DAEMON=/path/to/native/websocketfy runs the process tests against a published
    /// native binary instead of the built assembly (the AOT smoke test; see README).</summary>
    public static string? NativeDaemon => Environment.GetEnvironmentVariable("WEBSOCKETFY_TEST_DAEMON") is { Length: > 0 } path ? path : null;

    /// <summary>The demo SiREN backend (samples/SirenDemo), copied next to the test assembly too.</summary>
    public static string SirenDemoPath => Path.Combine(AppContext.BaseDirectory, "siren-demo.dll");

    public int Id => _child?.Id ?? Environment.ProcessId;

    /// <summary>Starts the built daemon; its stdout and stderr are collected line by line.</summary>
    /// <param name="program">The program's dll: the daemon unless told otherwise (e.g. <see cref="SirenDemoPath"/>,
    /// whose "listening on 127.0.0.1:N" line is read the same way).</param>
    /// <param name="journalStreamIsStderr">Start it as systemd would with StandardError=journal: $JOURNAL_STREAM set to
    /// the device and inode of its stderr (here the pipe the test reads), through a shell that execs the program.</param>
    /// <param name="readStderr">False: stderr is a pipe nobody reads (yet), as a stalled log reader would leave it,
    /// until <see cref="StartReadingStderr"/>.</param>
    public static DaemonProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? program = null,
                                      bool journalStreamIsStderr = false, bool readStderr = true)
    {
        // The native daemon replaces "dotnet websocketfy.dll" only; other programs still run on dotnet.
        string? native = program is null ? NativeDaemon : null;
        var start = new ProcessStartInfo(journalStreamIsStderr ? "/bin/sh" : native ?? "dotnet")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true,
        };
        if (journalStreamIsStderr)
        {
            // exec "$@": the program and its dll (or the native daemon) follow as arguments.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) && export JOURNAL_STREAM && exec \"$@\"");
            start.ArgumentList.Add("sh");
            start.ArgumentList.Add(native ?? "dotnet");
        }
        if (native is null) start.ArgumentList.Add(program ?? DaemonPath);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var daemon = new DaemonProcess(Process.Start(start)!);
        daemon._child!.ErrorDataReceived += (_, e) => daemon.OnOutput(e.Data);
        daemon._child.OutputDataReceived += (_, e) => daemon.OnOutput(e.Data);
        if (readStderr) daemon._child.BeginErrorReadLine();
        daemon._child.BeginOutputReadLine();
        return daemon;
    }

    /// <summary>Starts reading stderr of a daemon started with <c>readStderr: false</c>.</summary>
    public void StartReadingStderr() => _child!.BeginErrorReadLine();

    /// <summary>Runs the daemon to completion (for start-up errors): exit code and all it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] arguments)
    {
        await using var daemon = Start(arguments);
        int code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, daemon.Output.SoFar);
    }

    // ---- output (a started daemon only) ----

    /// <summary>What the daemon writes to stdout and stderr, line by line: wait for a line with
    /// <c>Output.WaitForAsync</c>.</summary>
    public OutputLines Output => _output ?? throw new InvalidOperationException(
        "the in-process daemon logs through GatewayHarness (captureLog: true), not to an output; start the built daemon to read one");

    /// <summary>The port from the program's "listening on ..." log line.</summary>
    public async Task<int> WaitUntilListeningAsync(TimeSpan? timeout = null) =>
        int.Parse((await Output.WaitForAsync(ListeningLine(), timeout)).Groups[1].Value);

    // The daemon's "listening on :: port N" and siren-demo's "listening on 127.0.0.1:N, ...".
    [GeneratedRegex(@"listening on \S+?(?: port |:)(\d+)")]
    private static partial Regex ListeningLine();

    private void OnOutput(string? line)
    {
        if (line is not null)
        {
            _output!.Add(line);
            return;
        }
        if (Interlocked.Increment(ref _streamsEnded) == 2)
            _output!.End(_child!.HasExited ? $"exit code {_child.ExitCode}" : "stdout and stderr closed");
    }

    private void RequireChild()
    {
        if (_child is null) throw new InvalidOperationException("this is the test process itself; start the built daemon for that");
    }

    // ---- life cycle (a started daemon only) ----

    /// <summary>Waits for the exit (and the end of its output); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        RequireChild();
        using var cts = new CancellationTokenSource(timeout);
        await _child!.WaitForExitAsync(cts.Token);
        _child.WaitForExit(); // returns once the redirected output has been read to its end
        return _child.ExitCode;
    }

    /// <summary>Waits for the exit (30 s unless given) and asserts it was clean (code 0), showing what the daemon
    /// wrote when it was not: an unexpected fault's stack trace is in its last lines.</summary>
    public async Task AssertExitsCleanlyAsync(TimeSpan? timeout = null)
    {
        int code = await WaitForExitAsync(timeout ?? Wait.DefaultTimeout);
        if (code != 0) Assert.Fail($"the daemon exited with code {code}; it wrote:\n{Output.SoFar}");
    }

    /// <summary>Sends SIGKILL, as a crash or the OOM killer would end it: no drain, no goodbye.</summary>
    public async Task KillAsync()
    {
        RequireChild();
        _child!.Kill();
        await _child.WaitForExitAsync();
    }

    public bool HasExited
    {
        get
        {
            RequireChild();
            return _child!.HasExited;
        }
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends SIGHUP, as systemctl reload does (ExecReload=kill -HUP $MAINPID).</summary>
    public void Hangup() => Signal("HUP");

    private void Signal(string name)
    {
        RequireChild();
        using var kill = Process.Start("kill", ["-" + name, _child!.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>A port nothing listens on right now, for a daemon started next to listen on. Taken below the
    /// kernel's ephemeral range (ip_local_port_range): a port the kernel picks for "any free port" is from that
    /// range, which is also where every outgoing connection's local port comes from, so on a busy machine some
    /// connection could be given it before the daemon binds it ("Address already in use"). Below the range only
    /// another explicit bind can take it; the pick is random and probed, so that needs two picks to coincide.</summary>
    public static int FreePort()
    {
        int below = EphemeralRangeStart();
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(below / 2, below);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException($"no free port found below {below}");
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (range.Length == 2 && int.TryParse(range[0], out int start) && start > 2048) return start;
        }
        catch (IOException) { }
        return 32768; // Linux's default start
    }

    // ---- what the process holds (either kind) ----

    /// <summary>What the process's open file descriptors point at (sockets, files, pipes), leaving out the runtime's
    /// own: assemblies and native libraries mapped when first used, and symbol files, opened the first time an
    /// exception's stack trace needs line numbers. Those stay open for good and are no one's leak.</summary>
    public List<string> DescriptorTargets()
    {
        var targets = new List<string>();
        foreach (string entry in Directory.GetFileSystemEntries($"/proc/{Id}/fd"))
        {
            string? target;
            try { target = new FileInfo(entry).LinkTarget; }
            catch (IOException) { continue; } // closed while we listed
            if (target is null || target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal)
                || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal))
                continue;
            targets.Add(target);
        }
        return targets;
    }

    public int OpenDescriptors() => DescriptorTargets().Count;

    /// <summary>Waits until the descriptor count is down to <paramref name="most"/>; returns the last count.</summary>
    public Task<int> DescriptorsSettleAsync(int most, TimeSpan? timeout = null) =>
        Wait.ForValueAsync(OpenDescriptors, count => count <= most, timeout);

    /// <summary>The process's peak resident set size so far (VmHWM in /proc/PID/status), in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Replace("kB", "").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmHWM in /proc/PID/status");
    }

    /// <summary>Resident set size in bytes, read fresh from the kernel.</summary>
    public long WorkingSet()
    {
        if (_child is not null)
        {
            _child.Refresh();
            return _child.WorkingSet64;
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>This process's managed heap in use after a full, compacting collection.</summary>
    public static long ManagedHeapAfterCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Samples this process's working set and managed heap every few milliseconds until disposed, keeping the peaks.</summary>
    public sealed class PeakSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private long _peakWorkingSet, _peakHeap;

        public PeakSampler() => _sampling = SampleAsync();

        public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);
        public long PeakManagedHeap => Interlocked.Read(ref _peakHeap);

        private async Task SampleAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Raise(ref _peakWorkingSet, InProcess.WorkingSet());
                Raise(ref _peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                try { await Task.Delay(10, _stop.Token); } catch (OperationCanceledException) { }
            }
        }

        private static void Raise(ref long peak, long value)
        {
            long seen = Interlocked.Read(ref peak);
            while (value > seen)
            {
                long was = Interlocked.CompareExchange(ref peak, value, seen);
                if (was == seen) return;
                seen = was;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _sampling;
            _stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_child is null) return;
        if (!_child.HasExited)
        {
            _child.Kill(entireProcessTree: true);
            await _child.WaitForExitAsync();
        }
        _child.Dispose();
    }
}
