using System.Diagnostics;

namespace Websocketfy.Tests.Interop;

/// <summary>What a finished child process left behind.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>For assertion messages: everything the child said.</summary>
    public override string ToString() =>
        $"exit code {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs a real client program to its end, bounded in time so no test can hang on it.</summary>
internal static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <remarks>Standard input is a pipe held open until the child exits: wscat treats the end of its
    /// input as "quit" and closes at once, before any reply arrives, when stdin is /dev/null.</remarks>
    /// <param name="environment">Variables to set (or, with a null value, remove) for the child.</param>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null,
                                                     string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{program} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s and was killed.\n" +
                        new ProcessResult(-1, await stdout, await stderr));
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
