using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Runs a command line in a pseudo-terminal (util-linux <c>script</c>), so wscat behaves as it does
/// for an operator at a terminal: its "Connected" and "Disconnected" lines, <c>&lt; </c> before each
/// message. Lines are typed one at a time, each after the screen showed what the previous one asked for.
/// </summary>
/// <remarks>
/// wscat prints each thing as "erase line, colour, text, default colour, newline" (the terminal turns
/// "\n" into "\r\n"); <see cref="Printed"/> is that text, with "\n" again, in the order it came.
/// </remarks>
internal sealed partial class TerminalSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<byte> _output = [];
    private readonly Task _reader;

    private TerminalSession(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static TerminalSession Start(string commandLine)
    {
        string script = InteropTools.FindOnPath("script")
            ?? throw new InvalidOperationException("util-linux's script is not installed (Debian: bsdutils, an essential package)");
        var start = new ProcessStartInfo(script)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--quiet", "--return", "--command", commandLine, "/dev/null" }) start.ArgumentList.Add(argument);
        return new TerminalSession(Process.Start(start) ?? throw new InvalidOperationException("could not start script"));
    }

    /// <summary>Everything printed so far, one entry per print.</summary>
    public IReadOnlyList<string> Printed
    {
        get
        {
            string raw;
            lock (_output) raw = Encoding.UTF8.GetString([.. _output]);
            return [.. PrintPattern().Matches(raw).Select(m => m.Groups["text"].Value.Replace("\r\n", "\n", StringComparison.Ordinal))];
        }
    }

    /// <summary>All output, escapes and all, for assertion messages.</summary>
    public string Raw
    {
        get { lock (_output) return Encoding.UTF8.GetString([.. _output]); }
    }

    /// <summary>Types a line and Enter.</summary>
    public async Task TypeAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until <paramref name="count"/> things have been printed.</summary>
    public async Task WaitForPrintsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Printed.Count < count)
        {
            if (DateTime.UtcNow > deadline || (_process.HasExited && _reader.IsCompleted && Printed.Count < count))
            {
                Assert.Fail($"waited in vain for {count} prints; the terminal showed:\n{Escape(Raw)}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Waits for the program to end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reader;
        return _process.ExitCode;
    }

    public static string Escape(string text) =>
        text.Replace("\u001b", "\\e", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var stream = _process.StandardOutput.BaseStream;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            lock (_output) _output.AddRange(buffer.AsSpan(0, n));
        }
    }

    // wscat's Console.print at a terminal: "\r" ESC[2K ESC[3D, a colour, the text, ESC[39m, "\n".
    [GeneratedRegex(@"\r\u001b\[2K\u001b\[3D(?:\u001b\[\d+m)?(?<text>.*?)\u001b\[39m\r\n", RegexOptions.Singleline)]
    private static partial Regex PrintPattern();

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
