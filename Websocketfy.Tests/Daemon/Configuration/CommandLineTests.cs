using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>The entry point Program.cs calls: help, version, error reporting, and handing over to the daemon.</summary>
public class CommandLineTests : ResolverTestBase
{
    // NUnit runs every test of a fixture on one instance: reset per test.
    private StringWriter _stdout = null!;
    private StringWriter _stderr = null!;
    private GatewayOptions? _daemonOptions;
    private int _daemonRuns;

    [SetUp]
    public void ResetRecorders()
    {
        _stdout = new StringWriter();
        _stderr = new StringWriter();
        _daemonOptions = null;
        _daemonRuns = 0;
    }

    private Task<int> RecordingDaemon(GatewayOptions options, CancellationToken token)
    {
        _daemonOptions = options;
        _daemonRuns++;
        return Task.FromResult(ExitCodes.Ok);
    }

    private Task<int> Run(params string[] arguments) => Run(RecordingDaemon, arguments);

    private Task<int> Run(Func<GatewayOptions, CancellationToken, Task<int>> daemon, params string[] arguments) =>
        CommandLine.RunAsync(arguments, daemon, _stdout, _stderr, TestEnvironment.Empty);

    private Task<int> RunWithRoot(params string[] arguments) => Run(["--root", FileRoot, .. arguments]);

    [Test]
    public async Task Help_ListsEveryOptionAndExitsZeroWithoutStartingTheDaemon()
    {
        Assert.That(await Run("--help"), Is.EqualTo(ExitCodes.Ok));
        string help = _stdout.ToString();
        foreach (Setting setting in SettingCatalog.All)
            Assert.That(help, Does.Contain(setting.OptionName + " "), setting.Key);
        Assert.That(help, Does.Contain("--config "));
        Assert.That(help, Does.Contain("--help"));
        Assert.That(help, Does.Contain("--version"));
        Assert.That(_daemonRuns, Is.Zero);
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task CheckConfig_PrintsWhatWouldBeServedAndExitsZeroWithoutStartingTheDaemon()
    {
        Assert.That(await RunWithRoot("--check-config", "--port", "9000", "--trusted-proxies", "10.0.0.5", "--proxy-protocol"), Is.EqualTo(ExitCodes.Ok));
        string summary = _stdout.ToString();
        Assert.That(summary, Does.StartWith("configuration OK (no config file)"));
        Assert.That(summary, Does.Contain(":: port 9000"));
        Assert.That(summary, Does.Contain("root             " + FileRoot));
        Assert.That(summary, Does.Contain("10.0.0.5/32 (PROXY protocol)"));
        Assert.That(_daemonRuns, Is.Zero);
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task CheckConfig_WithAMissingRoot_SaysSoWithTheRootExitCode()
    {
        string missing = Path.Combine(Scratch.Root, "absent");
        Assert.That(await Run("--check-config", "--root", missing), Is.EqualTo(ExitCodes.RootUnusable));
        Assert.That(_stderr.ToString(), Is.EqualTo($"websocketfy: root '{missing}' does not exist" + Environment.NewLine));
        Assert.That(_stdout.ToString(), Is.Empty);
        Assert.That(_daemonRuns, Is.Zero);
    }

    [Test]
    public async Task Help_ShowsEachDefaultWithItsUnit()
    {
        await Run("--help");
        string help = Flattened(_stdout.ToString());
        Assert.That(help, Does.Contain("Default: 8080."));
        Assert.That(help, Does.Contain("Default: 127.0.0.1:3434."));
        Assert.That(help, Does.Contain("Default: 1M."));
        Assert.That(help, Does.Contain("Default: 60s."));
        Assert.That(help, Does.Contain("0 = any free port"));
    }

    [Test]
    public async Task Help_EndsWithPrecedenceUnitsLegacyFlagsAndExitCodes()
    {
        await Run("-h");
        string help = _stdout.ToString();
        Assert.That(help, Does.Contain("WEBSOCKETFY_MAX_MESSAGE_SIZE=2M"));
        Assert.That(help, Does.Contain("max-message-size = 2M"));
        Assert.That(help, Does.Contain("SIZE      " + Websocketfy.Daemon.Configuration.Syntax.SizeSyntax.Explanation));
        Assert.That(help, Does.Contain("-hi <bind ip>"));
        Assert.That(help, Does.Contain("-ps <siren port>"));
        Assert.That(help, Does.Contain($"  {ExitCodes.CannotListen}  cannot listen"));
        Assert.That(help, Does.Contain($"  {ExitCodes.Config}  config file"));
    }

    [Test]
    public async Task Help_IsShownEvenWhenTheRestOfTheLineIsWrong()
    {
        Assert.That(await Run("--prot", "1", "--help"), Is.EqualTo(ExitCodes.Ok));
        Assert.That(_stdout.ToString(), Does.Contain("--port"));
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task Version_PrintsTheInformationalVersion()
    {
        Assert.That(await Run("--version"), Is.EqualTo(ExitCodes.Ok));
        Assert.That(_stdout.ToString(), Is.EqualTo("websocketfy " + VersionText.Version + Environment.NewLine));
        Assert.That(VersionText.Version, Does.StartWith("0.1.0"));
        Assert.That(_daemonRuns, Is.Zero);
    }

    [Test]
    public async Task VersionWithOtherArguments_IsAUsageError()
    {
        Assert.That(await Run("--version", "--port", "1"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stderr.ToString(), Is.EqualTo("websocketfy: --version option cannot be combined with other arguments." + Environment.NewLine));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task Error_IsOneLineOnStderrWithTheProgramNameAndTheExitCode()
    {
        Assert.That(await RunWithRoot("--port", "70000"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stderr.ToString(),
            Is.EqualTo("websocketfy: --port: '70000' is not a port number (1-65535, or 0 for any free port)" + Environment.NewLine));
        Assert.That(_stdout.ToString(), Is.Empty);
        Assert.That(_daemonRuns, Is.Zero);
    }

    [Test]
    public async Task ParseError_IsOneLineOnStderrWithoutTheHelpPage()
    {
        Assert.That(await Run("--prot", "1"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stderr.ToString(), Is.EqualTo("websocketfy: Unrecognized command or argument '--prot'." + Environment.NewLine));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task DirectiveSyntax_IsAnUnknownArgumentNotACompletionRequest()
    {
        Assert.That(await RunWithRoot("[suggest]"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stderr.ToString(), Is.EqualTo("websocketfy: Unrecognized command or argument '[suggest]'." + Environment.NewLine));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task BundledShortFlags_AreNotUnbundled()
    {
        Assert.That(await RunWithRoot("-?h"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task LegacyFlagError_IsReportedWithTheProgramName()
    {
        Assert.That(await Run("-pi"), Is.EqualTo(ExitCodes.Usage));
        Assert.That(_stderr.ToString(), Is.EqualTo("websocketfy: '-pi' needs a value (-pi <port>)" + Environment.NewLine));
    }

    [Test]
    public async Task UnusableRoot_StopsWithItsExitCode()
    {
        string missing = Path.Combine(Scratch.Root, "absent");
        Assert.That(await Run("--root", missing), Is.EqualTo(ExitCodes.RootUnusable));
        Assert.That(_stderr.ToString(), Is.EqualTo($"websocketfy: root '{missing}' does not exist" + Environment.NewLine));
    }

    [Test]
    public async Task ConfigError_StopsWithTheConfigExitCode()
    {
        string config = Scratch.Write("websocketfy.conf", "\nprot = 1\n");
        Assert.That(await RunWithRoot("--config", config), Is.EqualTo(ExitCodes.Config));
        Assert.That(_stderr.ToString(), Is.EqualTo($"websocketfy: {config}:2: unknown key 'prot'" + Environment.NewLine));
    }

    [Test]
    public async Task ValidOptions_AreHandedToTheDaemon()
    {
        Assert.That(await RunWithRoot("--port", "0", "-hs", "siren.local"), Is.EqualTo(ExitCodes.Ok));
        Assert.That(_daemonRuns, Is.EqualTo(1));
        Assert.That(_daemonOptions!.Port, Is.EqualTo(0));
        Assert.That(_daemonOptions.SirenHost, Is.EqualTo("siren.local"));
        Assert.That(_daemonOptions.Root, Is.EqualTo(FileRoot));
    }

    [Test]
    public async Task LegacyBindFlag_IsNotMistakenForHelp()
    {
        await RunWithRoot("-hi", "127.0.0.1");
        Assert.That(_daemonRuns, Is.EqualTo(1));
        Assert.That(_daemonOptions!.Bind.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(_stdout.ToString(), Is.Empty);
    }

    [Test]
    public async Task DaemonExitCode_IsTheProcessExitCode() =>
        Assert.That(await Run((_, _) => Task.FromResult(ExitCodes.CannotListen), "--root", FileRoot), Is.EqualTo(ExitCodes.CannotListen));

    [Test]
    public async Task ShutdownToken_ReachesTheDaemon()
    {
        using var shutdown = new CancellationTokenSource();
        var daemon = async (GatewayOptions _, CancellationToken token) =>
        {
            await shutdown.CancelAsync();
            return token.IsCancellationRequested ? 42 : 1;
        };
        int exitCode = await CommandLine.RunAsync(["--root", FileRoot], daemon, _stdout, _stderr, TestEnvironment.Empty, shutdown.Token);
        Assert.That(exitCode, Is.EqualTo(42));
    }

    [Test]
    public async Task CancellationEscapingTheDaemonAfterShutdown_IsANormalExit()
    {
        using var shutdown = new CancellationTokenSource();
        var daemon = async (GatewayOptions _, CancellationToken token) =>
        {
            await shutdown.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            return 1;
        };
        int exitCode = await CommandLine.RunAsync(["--root", FileRoot], daemon, _stdout, _stderr, TestEnvironment.Empty, shutdown.Token);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task FaultEscapingTheDaemon_IsReportedWithTheSoftwareExitCode()
    {
        var daemon = (GatewayOptions _, CancellationToken _) => Task.FromException<int>(new InvalidOperationException("boom"));
        Assert.That(await Run(daemon, "--root", FileRoot), Is.EqualTo(ExitCodes.Software));
        Assert.That(_stderr.ToString(), Does.StartWith("websocketfy: unexpected fault: InvalidOperationException: boom" + Environment.NewLine));
    }

    [Test]
    public async Task Environment_IsReadThroughTheGivenFunction()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_PORT", "9005"));
        await CommandLine.RunAsync(["--root", FileRoot], RecordingDaemon, _stdout, _stderr, environment);
        Assert.That(_daemonOptions!.Port, Is.EqualTo(9005));
    }

    /// <summary>The help wraps long descriptions; joining the lines lets a phrase be found across a wrap.</summary>
    private static string Flattened(string help) =>
        System.Text.RegularExpressions.Regex.Replace(help, @"\s+", " ");
}
