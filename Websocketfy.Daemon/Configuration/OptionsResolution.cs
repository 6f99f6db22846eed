namespace Websocketfy.Daemon.Configuration;

/// <summary>The outcome of reading the configuration: either <see cref="Options"/> ready to run with, or an
/// <see cref="Error"/> (one line, without the "websocketfy: " prefix) and the <see cref="ExitCode"/> to stop with.</summary>
public readonly record struct OptionsResolution(GatewayOptions? Options, string? Error, int ExitCode)
{
    public static OptionsResolution Success(GatewayOptions options) => new(options, null, ExitCodes.Ok);

    public static OptionsResolution Failure(string error, int exitCode) => new(null, error, exitCode);
}
