using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// One real SiREN server (<c>serve.sh RUNDIR PORT</c> of the build) on 127.0.0.1, with a fresh copy of
/// the test database in its own run folder. It can be killed (SIGKILL, as a crash) and started again
/// on the same port.
/// </summary>
/// <remarks>
/// SiREN logs to stdout: a line per command it reads (<c>... PORT: n : COMMAND</c>) and every row of
/// every result. The command lines are kept, to see what reached the server; of the rest only the
/// last lines, for failure reports.
/// </remarks>
internal sealed partial class RealSirenServer : IAsyncDisposable
{
    private const int TailLines = 40;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _build;
    private readonly string _runFolder;
    private readonly object _lock = new();
    private readonly List<string> _commands = [];
    private readonly Queue<string> _tail = new();
    private Process? _process;
    private TaskCompletionSource<bool> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RealSirenServer(string build, int port)
    {
        _build = build;
        Port = port;
        _runFolder = Directory.CreateTempSubdirectory("websocketfy-siren-").FullName;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The first line of every command SiREN has read so far, in order.</summary>
    public IReadOnlyList<string> Commands { get { lock (_lock) return [.. _commands]; } }

    /// <summary>The server's last log lines, for assertion messages.</summary>
    public string LogTail { get { lock (_lock) return string.Join('\n', _tail); } }

    /// <summary>Starts a server on a free loopback port and waits until it greets.</summary>
    public static async Task<RealSirenServer> StartAsync()
    {
        string build = await SirenBuild.RequireAsync();
        // A port picked free can be taken before SiREN binds it; SiREN then says so and the next one is tried.
        for (int attempt = 1; ; attempt++)
        {
            var server = new RealSirenServer(build, DaemonProcess.FreePort());
            if (await server.TryStartAsync()) return server;
            string why = server.LogTail;
            await server.DisposeAsync();
            if (attempt == 3) Assert.Fail("The real SiREN server did not start:\n" + why);
        }
    }

    /// <summary>Kills the server at once (SIGKILL: no goodbye to its clients beyond what the kernel does).</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts it again on the same port with a fresh database (after <see cref="KillAsync"/>).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        if (!await TryStartAsync()) Assert.Fail($"The real SiREN server did not start again on port {Port}:\n{LogTail}");
    }

    /// <summary>Waits until SiREN has read a command whose first line satisfies <paramref name="match"/>.</summary>
    public async Task WaitForCommandAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Commands.Any(match))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"SiREN did not log the expected command within {timeout.TotalSeconds} s; it read: [{string.Join(" | ", Commands)}]");
            await Task.Delay(5);
        }
    }

    private async Task<bool> TryStartAsync()
    {
        _started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(Path.Combine(_build, "serve.sh"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_runFolder);
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start serve.sh");
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(_started.Task, exited, Task.Delay(StartTimeout));
        if (first != _started.Task || !await _started.Task)
        {
            await KillAsync();
            return false;
        }
        // "TCP server started" comes right after listen(); the greeting shows it serves.
        return await GreetsAsync();
    }

    private async Task<bool> GreetsAsync()
    {
        try
        {
            await using var client = await DirectSirenClient.ConnectAsync(Port);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            lock (_lock) _tail.Enqueue("greeting failed: " + ex.Message);
            return false;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lock)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines) _tail.Dequeue();
            if (CommandLine().Match(line) is { Success: true } command) _commands.Add(command.Groups[1].Value);
        }
        if (line.Contains("TCP server started", StringComparison.Ordinal)) _started.TrySetResult(true);
        else if (line.Contains("TCP server failed to start", StringComparison.Ordinal)) _started.TrySetResult(false);
    }

    // "2026-12-05 02:24 : IP: 127.0.0.1 PORT: 35788 : SELECT * FROM big_images"
    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d : IP: \S+ PORT: \d+ : (.*)$")]
    private static partial Regex CommandLine();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_runFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the system.
        }
    }
}
