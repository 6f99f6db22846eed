using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>What stops the daemon before it listens: the message (without the "websocketfy: " prefix)
/// and the exit code of every kind of refusal.</summary>
public class ValidationTests : ResolverTestBase
{
    [TestCase("70000")]
    [TestCase("-1")]
    [TestCase("http")]
    public void BadPort_IsAUsageError(string port) =>
        AssertRefused(Resolve("--port", port), $"--port: '{port}' is not a port number (1-65535, or 0 for any free port)", ExitCodes.Usage);

    [Test]
    public void PortZero_MeansAnyFreePort() =>
        Assert.That(Succeeded(Resolve("--port", "0")).Port, Is.EqualTo(0));

    [Test]
    public void UnparsableSiren_IsAUsageError() =>
        AssertRefused(Resolve("--siren", "siren:port"), "--siren: 'siren:port' does not end with a port number (1-65535)", ExitCodes.Usage);

    [Test]
    public void BadBindAddress_IsAUsageError() =>
        AssertRefused(Resolve("--bind", "localhost"),
            "--bind: 'localhost' is not an IP address (e.g. :: for all interfaces, 0.0.0.0, 127.0.0.1)", ExitCodes.Usage);

    [Test]
    public void UnknownOption_IsAUsageError() =>
        AssertRefused(Resolve("--prot", "9000"), "Unrecognized command or argument '--prot'.", ExitCodes.Usage);

    [Test]
    public void StrayArgument_IsAUsageError() =>
        AssertRefused(Resolve("9000"), "Unrecognized command or argument '9000'.", ExitCodes.Usage);

    [Test]
    public void OptionWithoutItsValue_IsAUsageError() =>
        AssertRefused(Resolve("--port"), "Required argument missing for option: '--port'.", ExitCodes.Usage);

    [Test]
    public void OptionGivenTwice_IsAUsageError() =>
        AssertRefused(Resolve("--port", "1", "--port", "2"), "Option '--port' expects a single argument but 2 were provided.", ExitCodes.Usage);

    [Test]
    public void ResponseFileSyntax_IsNotExpanded() =>
        AssertRefused(Resolve("@args.rsp"), "Unrecognized command or argument '@args.rsp'.", ExitCodes.Usage);

    [Test]
    public void BadEnvironmentValue_IsAConfigErrorNamingTheVariable() =>
        AssertRefused(Resolve(TestEnvironment.With(("WEBSOCKETFY_SIREN_TIMEOUT", "1h"))),
            "WEBSOCKETFY_SIREN_TIMEOUT: '1h' is not a duration (seconds, decimals allowed, or a number with ms, s or m, e.g. 1.5, 250ms, 2m)",
            ExitCodes.Config);

    [Test]
    public void ZeroTimeout_IsRefusedWhereItWouldNotMeanOff() =>
        AssertRefused(Resolve("--handshake-timeout", "0"), "--handshake-timeout: '0' must be more than 0", ExitCodes.Usage);

    [Test]
    public void ZeroIdleTimeout_SwitchesItOff() =>
        Assert.That(Succeeded(Resolve("--idle-timeout", "0")).IdleTimeout, Is.EqualTo(TimeSpan.Zero));

    [Test]
    public void MessageSizeBeyondWhatAMessageBufferHolds_IsRefused() =>
        AssertRefused(Resolve("--max-message-size", "2G"), "--max-message-size: '2G' is too large (at most 2147483647)", ExitCodes.Usage);

    [Test]
    public void TinyHeaderLimit_IsRefused() =>
        AssertRefused(Resolve("--max-header-size", "100"), "--max-header-size: '100' is too small (at least 1K)", ExitCodes.Usage);

    [Test]
    public void ZeroConnections_IsRefused() =>
        AssertRefused(Resolve("--max-connections", "0"), "--max-connections: '0' is too small (at least 1)", ExitCodes.Usage);

    [Test]
    public void BadLogLevel_IsAUsageError() =>
        AssertRefused(Resolve("--log-level", "verbose"),
            "--log-level: 'verbose' is not a log level (trace, debug, information (info), warning, error, critical or none)", ExitCodes.Usage);

    [Test]
    public void BadOrigin_IsAUsageError() =>
        AssertRefused(Resolve("--allowed-origins", "viewer.example"),
            "--allowed-origins: 'viewer.example' is not an origin (scheme://host[:port], e.g. https://viewer.example, or *)", ExitCodes.Usage);

    [Test]
    public void RequireOriginAlone_MeansTrue() =>
        Assert.That(Succeeded(Resolve("--require-origin")).RequireOrigin, Is.True);

    [Test]
    public void RequireOriginAloneBeforeAnotherOption_MeansTrue()
    {
        GatewayOptions options = Succeeded(Resolve("--require-origin", "--port", "9000"));
        Assert.That((options.RequireOrigin, options.Port), Is.EqualTo((true, 9000)));
    }

    [Test]
    public void RequireOriginFalse_OverridesTheEnvironment() =>
        Assert.That(Succeeded(Resolve(TestEnvironment.With(("WEBSOCKETFY_REQUIRE_ORIGIN", "yes")), "--require-origin", "false")).RequireOrigin,
            Is.False);

    [Test]
    public void RequireOriginWithAWordThatIsNotABoolean_IsAUsageError() =>
        AssertRefused(Resolve("--require-origin", "maybe"), "--require-origin: 'maybe' is not true or false (also yes/no, on/off, 1/0)", ExitCodes.Usage);

    [Test]
    public void EveryKindOfValue_IsReadFromTheCommandLine()
    {
        GatewayOptions options = Succeeded(Resolve(
            "--bind", "127.0.0.1", "--max-reply-size", "3GiB", "--siren-pool-size", "4", "--ping-interval", "1.5",
            "--log-level", "Warning", "--allowed-origins", "*"));
        Assert.That(options.Bind.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(options.MaxReplySize, Is.EqualTo(3L * 1024 * 1024 * 1024));
        Assert.That(options.SirenPoolSize, Is.EqualTo(4));
        Assert.That(options.PingInterval, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
        Assert.That(options.LogLevel, Is.EqualTo(LogLevel.Warning));
        Assert.That(options.AllowedOrigins, Is.EqualTo(new[] { "*" }));
    }

    [Test]
    public void MissingRoot_IsRefusedWithItsOwnExitCode()
    {
        string missing = Path.Combine(Scratch.Root, "absent");
        AssertRefused(ResolveAsGiven("--root", missing), $"root '{missing}' does not exist", ExitCodes.RootUnusable);
    }

    [Test]
    public void RootThatIsAFile_IsRefused()
    {
        string file = Scratch.Write("file", "x");
        AssertRefused(ResolveAsGiven("--root", file), $"root '{file}' is not a directory", ExitCodes.RootUnusable);
    }

    [Test]
    public void MissingRelativeRoot_IsShownWithWhereItLeads()
    {
        string relative = "absent-" + Guid.NewGuid().ToString("N");
        AssertRefused(ResolveAsGiven("--root", relative),
            $"root '{relative}' ({Path.GetFullPath(relative)}) does not exist", ExitCodes.RootUnusable);
    }

    [Test]
    public void DefaultRoot_IsCheckedToo()
    {
        Assume.That(Directory.Exists("fs"), Is.False, "the working directory has an fs directory");
        OptionsResolution resolution = ResolveAsGiven();
        AssertRefused(resolution, $"root './fs' ({Path.GetFullPath("./fs")}) does not exist", ExitCodes.RootUnusable);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreadableRoot_IsRefused()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root reads directories whatever their mode");
        string root = Scratch.Dir("locked");
        File.SetUnixFileMode(root, UnixFileMode.UserExecute);
        try
        {
            AssertRefused(ResolveAsGiven("--root", root), $"root '{root}' cannot be read (permission denied)", ExitCodes.RootUnusable);
        }
        finally
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnsearchableRoot_IsRefused()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root enters directories whatever their mode");
        string root = Scratch.Dir("locked");
        File.SetUnixFileMode(root, UnixFileMode.UserRead);
        try
        {
            AssertRefused(ResolveAsGiven("--root", root), $"root '{root}' cannot be searched (permission denied to enter it)", ExitCodes.RootUnusable);
        }
        finally
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void ResolvedRoot_IsAbsolute()
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, FileRoot);
        Assume.That(Path.IsPathRooted(relative), Is.False, "the temp directory is on another drive");
        Assert.That(Succeeded(ResolveAsGiven("--root", relative)).Root, Is.EqualTo(FileRoot));
    }

    [Test]
    public void Resolution_DeconstructsIntoOptionsErrorAndExitCode()
    {
        var (options, error, exitCode) = Resolve("--port", "9000");
        Assert.That((options?.Port, error, exitCode), Is.EqualTo(((int?)9000, (string?)null, ExitCodes.Ok)));
    }

    [Test]
    public void MissingSpoolDirectory_IsRefusedWithItsOwnExitCode()
    {
        string missing = Path.Combine(Scratch.Root, "absent");
        AssertRefused(Resolve("--spool-directory", missing),
            $"spool directory '{missing}' does not exist or is not a directory", ExitCodes.SpoolUnusable);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ReadOnlySpoolDirectory_IsRefused()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root writes into directories whatever their mode");
        string spool = Scratch.Dir("spool");
        File.SetUnixFileMode(spool, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            AssertRefused(Resolve("--spool-directory", spool), $"spool directory '{spool}' is not writable (permission denied)", ExitCodes.SpoolUnusable);
        }
        finally
        {
            File.SetUnixFileMode(spool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void SpoolProbe_LeavesNoFileBehind()
    {
        string spool = Scratch.Dir("spool");
        Succeeded(Resolve("--spool-directory", spool));
        Assert.That(Directory.EnumerateFileSystemEntries(spool), Is.Empty);
    }
}
