using System.CommandLine;

namespace Websocketfy.Daemon.Configuration;

/// <summary>The daemon's entry point for Program.cs: handles --help and --version, reads and validates the
/// configuration, and either starts the daemon or stops with one line on stderr and a distinct exit code.</summary>
public static class CommandLine
{
    public const string ErrorPrefix = "websocketfy: ";

    /// <param name="arguments">The command line, without the program name.</param>
    /// <param name="runDaemon">Runs the daemon with the resolved options until the token is cancelled;
    /// returns the exit code (e.g. <see cref="ExitCodes.CannotListen"/> when binding fails).</param>
    /// <param name="stdout">Where --help, --version and the --check-config summary are written.</param>
    /// <param name="stderr">Where configuration errors and unexpected faults are written.</param>
    /// <param name="getEnvironment">Reads an environment variable; null when unset
    /// (Environment.GetEnvironmentVariable in production).</param>
    /// <param name="shutdown">Cancelled by the host on SIGTERM/SIGINT; passed to <paramref name="runDaemon"/>.
    /// Signals are not hooked here, so the host controls the drain (sd_notify STOPPING, shutdown-timeout).</param>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(
        string[] arguments,
        Func<GatewayOptions, CancellationToken, Task<int>> runDaemon,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> getEnvironment,
        CancellationToken shutdown = default)
    {
        var definition = new CommandLineDefinition();
        definition.Root.SetAction((parse, token) => RunResolvedAsync(definition, parse, runDaemon, stdout, stderr, getEnvironment, token));

        LegacyArguments.Result legacy = LegacyArguments.Rewrite(arguments, definition.TakesValue);
        if (legacy.Error is not null)
            return Fail(stderr, legacy.Error, ExitCodes.Usage);

        ParseResult parse = definition.Parse(legacy.Arguments);
        // --help is still shown when the rest of the line is wrong; anything else with an error stops here,
        // as one line in our own format rather than System.CommandLine's error-plus-help page.
        if (parse.Errors.Count > 0 && parse.Action?.ClearsParseErrors != true)
            return Fail(stderr, parse.Errors[0].Message, ExitCodes.Usage);

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, shutdown).ConfigureAwait(false);
    }

    private static async Task<int> RunResolvedAsync(
        CommandLineDefinition definition,
        ParseResult parse,
        Func<GatewayOptions, CancellationToken, Task<int>> runDaemon,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> getEnvironment,
        CancellationToken token)
    {
        try
        {
            OptionsResolution resolution = OptionsResolver.Resolve(definition, parse, getEnvironment);
            if (resolution.Options is null)
                return Fail(stderr, resolution.Error!, resolution.ExitCode);
            if (parse.GetValue(definition.CheckConfigOption))
            {
                await stdout.WriteLineAsync(ConfigurationSummary.Describe(resolution.Options)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            return await runDaemon(resolution.Options, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Shutdown was asked for; a daemon that lets the cancellation escape still stopped as asked.
            return ExitCodes.Ok;
        }
        catch (Exception exception)
        {
            // The first line is the short story for journalctl; the rest is for the bug report.
            await stderr.WriteLineAsync($"{ErrorPrefix}unexpected fault: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync(exception.ToString()).ConfigureAwait(false);
            return ExitCodes.Software;
        }
    }

    private static int Fail(TextWriter stderr, string error, int exitCode)
    {
        stderr.WriteLine(ErrorPrefix + error);
        return exitCode;
    }
}
