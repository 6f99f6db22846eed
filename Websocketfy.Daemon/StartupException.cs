namespace Websocketfy.Daemon;

/// <summary>The gateway cannot start as configured (tokens file, JWT keys, audit log); the message is the
/// one line for stderr and <see cref="ExitCode"/> the process exit code.</summary>
public sealed class StartupException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
