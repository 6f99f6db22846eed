using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Websocketfy.Tests.Support;

/// <summary>
/// The built daemon run as a child process (`dotnet websocketfy.dll ...`, copied next to the test
/// assembly by the project reference): for exit codes, start-up messages and signals.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stderr = [];

    private DaemonProcess(Process process) => _process = process;

    public static string DaemonPath => Path.Combine(AppContext.BaseDirectory, "websocketfy.dll");

    /// <summary>WEBSOCKETFY_TEST_DAEMON=/path/to/native/websocketfy runs the process tests against a published
    /// native binary instead of the built assembly (the AOT smoke test; see README).</summary>
    public static string? NativeDaemon => Environment.GetEnvironmentVariable("WEBSOCKETFY_TEST_DAEMON") is { Length: > 0 } path ? path : null;

    /// <summary>The demo SiREN backend (samples/SirenDemo), copied next to the test assembly too.</summary>
    public static string SirenDemoPath => Path.Combine(AppContext.BaseDirectory, "siren-demo.dll");

    public int Id => _process.Id;

    /// <summary>Everything the daemon wrote to stderr so far.</summary>
    public string Stderr { get { lock (_stderr) return string.Join('\n', _stderr); } }

    /// <param name="program">The program's dll: the daemon unless told otherwise (e.g. <see cref="SirenDemoPath"/>,
    /// whose "listening on 127.0.0.1:N" line is read the same way).</param>
    /// <param name="journalStreamIsStderr">Start it as systemd would with StandardError=journal: $JOURNAL_STREAM set to
    /// the device and inode of its stderr (here the pipe the test reads), through a shell that execs the program.</param>
    public static DaemonProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? program = null,
                                      bool journalStreamIsStderr = false)
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
        daemon._process.ErrorDataReceived += (_, e) => daemon.OnStderr(e.Data);
        daemon._process.OutputDataReceived += (_, e) => daemon.OnStderr(e.Data);
        daemon._process.BeginErrorReadLine();
        daemon._process.BeginOutputReadLine();
        return daemon;
    }

    /// <summary>Runs the daemon to completion (for start-up errors): exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunToExitAsync(params string[] arguments)
    {
        await using var daemon = Start(arguments);
        int code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (code, daemon.Stderr);
    }

    private void OnStderr(string? line)
    {
        if (line is null) return;
        lock (_stderr) _stderr.Add(line);
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(int.Parse(match.Groups[1].Value));
    }

    // The daemon's "listening on :: port N" and siren-demo's "listening on 127.0.0.1:N, ...".
    [GeneratedRegex(@"listening on \S+?(?: port |:)(\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>The port from the program's "listening on ..." log line.</summary>
    public async Task<int> WaitUntilListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != _listening.Task) throw new InvalidOperationException("the daemon did not start listening:\n" + Stderr);
        return await _listening.Task;
    }

    /// <summary>Waits until stderr holds <paramref name="text"/> (log lines arrive after the event they tell of).</summary>
    public async Task WaitForStderrAsync(string text)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (patience.IsCancellationRequested) throw new TimeoutException($"the daemon never logged \"{text}\":\n{Stderr}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until the daemon has written a line containing <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        using var patience = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line;
            lock (_stderr) line = _stderr.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line;
            try { await Task.Delay(50, patience.Token); }
            catch (OperationCanceledException) { Assert.Fail($"the daemon wrote no line containing \"{text}\":\n{Stderr}"); }
        }
    }

    /// <summary>Sends SIGKILL, as a crash or the OOM killer would end it: no drain, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends SIGHUP, as systemctl reload does (ExecReload=kill -HUP $MAINPID).</summary>
    public void Hangup() => Signal("HUP");

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>Lines written so far; give it to <see cref="WaitForLineAsync"/> to wait for a later line only.</summary>
    public int LineCount { get { lock (_stderr) return _stderr.Count; } }

    /// <summary>Waits until a line after the first <paramref name="skip"/> contains <paramref name="text"/>
    /// and returns it; fails with everything the daemon wrote when none does within the bound (30 s).</summary>
    public async Task<string> WaitForLineAsync(string text, int skip = 0, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_stderr)
            {
                for (int i = skip; i < _stderr.Count; i++)
                {
                    if (_stderr[i].Contains(text, StringComparison.Ordinal)) return _stderr[i];
                }
            }
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)) || _process.HasExited)
                throw new InvalidOperationException($"the daemon wrote no line with \"{text}\":\n{Stderr}");
            await Task.Delay(20);
        }
    }

    /// <summary>The daemon's peak resident set size so far (VmHWM in /proc/PID/status), in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Replace("kB", "").Trim()) * 1024;
        }
        throw new InvalidOperationException("no VmHWM in /proc/PID/status");
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
