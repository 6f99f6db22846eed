using System.Net;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>Command line over environment over config file over defaults.</summary>
public class PrecedenceTests : ResolverTestBase
{
    private string ConfigWith(string text) => Scratch.Write("websocketfy.conf", text);

    [Test]
    public void NothingGiven_GivesTheDefaults()
    {
        GatewayOptions options = Succeeded(Resolve());
        Assert.That(options.Port, Is.EqualTo(8080));
        Assert.That(options.Bind, Is.EqualTo(IPAddress.IPv6Any));
        Assert.That(options.SirenHost, Is.EqualTo("127.0.0.1"));
        Assert.That(options.SirenPort, Is.EqualTo(3434));
        Assert.That(options.ConfigFile, Is.Null);
    }

    [Test]
    public void ConfigFile_OverridesTheDefaults()
    {
        GatewayOptions options = Succeeded(Resolve("--config", ConfigWith("port = 9001\nsiren = 10.0.0.5:4001\n")));
        Assert.That(options.Port, Is.EqualTo(9001));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("10.0.0.5", 4001)));
    }

    [Test]
    public void Environment_OverridesTheConfigFile()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_PORT", "9002"), ("WEBSOCKETFY_SIREN", "10.0.0.6:4002"));
        GatewayOptions options = Succeeded(Resolve(environment, "--config", ConfigWith("port = 9001\nsiren = 10.0.0.5:4001\n")));
        Assert.That(options.Port, Is.EqualTo(9002));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("10.0.0.6", 4002)));
    }

    [Test]
    public void CommandLine_OverridesTheEnvironment()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_PORT", "9002"), ("WEBSOCKETFY_SIREN", "10.0.0.6:4002"));
        GatewayOptions options = Succeeded(Resolve(environment,
            "--config", ConfigWith("port = 9001\nsiren = 10.0.0.5:4001\n"), "--port", "9003", "--siren", "[::1]:4003"));
        Assert.That(options.Port, Is.EqualTo(9003));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("::1", 4003)));
    }

    [Test]
    public void EachSetting_ComesFromTheHighestPlaceThatGivesIt()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_SIREN", "10.0.0.6:4002"));
        GatewayOptions options = Succeeded(Resolve(environment,
            "--config", ConfigWith("port = 9001\nsiren = 10.0.0.5:4001\nmax-connections = 7\n"), "--max-connections", "8"));
        Assert.That(options.Port, Is.EqualTo(9001), "only the file gives port");
        Assert.That(options.SirenHost, Is.EqualTo("10.0.0.6"), "the environment beats the file for siren");
        Assert.That(options.MaxConnections, Is.EqualTo(8), "the command line beats the file for max-connections");
    }

    [Test]
    public void EnvironmentVariableNames_AreUpperCaseWithUnderscores()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_MAX_MESSAGE_SIZE", "2M"), ("WEBSOCKETFY_IDLE_TIMEOUT", "90s"));
        GatewayOptions options = Succeeded(Resolve(environment));
        Assert.That(options.MaxMessageSize, Is.EqualTo(2 * 1024 * 1024));
        Assert.That(options.IdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void EmptyEnvironmentVariable_CountsAsUnset()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_PORT", ""));
        Assert.That(Succeeded(Resolve(environment, "--config", ConfigWith("port = 9001\n"))).Port, Is.EqualTo(9001));
    }

    [Test]
    public void ConfigFile_CanBeNamedByTheEnvironment()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_CONFIG", ConfigWith("port = 9001\n")));
        GatewayOptions options = Succeeded(Resolve(environment));
        Assert.That(options.Port, Is.EqualTo(9001));
        Assert.That(options.ConfigFile, Is.EqualTo(Path.Combine(Scratch.Root, "websocketfy.conf")));
    }

    [Test]
    public void ConfigOption_OverridesTheConfigFileNamedByTheEnvironment()
    {
        string fromEnvironment = Scratch.Write("env.conf", "port = 9001\n");
        string fromCommandLine = Scratch.Write("cli.conf", "port = 9002\n");
        var environment = TestEnvironment.With(("WEBSOCKETFY_CONFIG", fromEnvironment));
        Assert.That(Succeeded(Resolve(environment, "--config", fromCommandLine)).Port, Is.EqualTo(9002));
    }

    [Test]
    public void RepeatedOriginsOption_AddsUp() =>
        Assert.That(Succeeded(Resolve("--allowed-origins", "https://a.example,https://b.example", "--allowed-origins", "https://c.example")).AllowedOrigins,
            Is.EqualTo(new[] { "https://a.example", "https://b.example", "https://c.example" }));

    [Test]
    public void RepeatedOriginsKeyInTheFile_AddsUp() =>
        Assert.That(Succeeded(Resolve("--config", ConfigWith("allowed-origins = https://a.example\nallowed-origins = https://b.example\n"))).AllowedOrigins,
            Is.EqualTo(new[] { "https://a.example", "https://b.example" }));

    [Test]
    public void OriginsFromAHigherPlace_ReplaceThoseOfALowerOne()
    {
        var environment = TestEnvironment.With(("WEBSOCKETFY_ALLOWED_ORIGINS", "https://env.example"));
        GatewayOptions options = Succeeded(Resolve(environment,
            "--config", ConfigWith("allowed-origins = https://file.example\n"), "--allowed-origins", "https://cli.example"));
        Assert.That(options.AllowedOrigins, Is.EqualTo(new[] { "https://cli.example" }));
    }

    [Test]
    public void BadValueInTheFile_IsReportedEvenWhenTheCommandLineOverridesIt()
    {
        string config = ConfigWith("port = eighty\n");
        OptionsResolution resolution = Resolve("--config", config, "--port", "9003");
        Assert.That(resolution.Error, Is.EqualTo($"{config}:1: port: 'eighty' is not a port number (1-65535, or 0 for any free port)"));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Config));
    }
}
