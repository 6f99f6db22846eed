using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>The original WS-Server's "-hi ip -pi port -hs host -ps port" still works.</summary>
public class LegacyArgumentsTests : ResolverTestBase
{
    [Test]
    public void AllFourFlags_SetBindPortAndSiren()
    {
        GatewayOptions options = Succeeded(Resolve("-hi", "127.0.0.1", "-pi", "9000", "-hs", "10.0.0.5", "-ps", "4000"));
        Assert.That(options.Bind.ToString(), Is.EqualTo("127.0.0.1"));
        Assert.That(options.Port, Is.EqualTo(9000));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("10.0.0.5", 4000)));
    }

    [Test]
    public void SirenHostAlone_UsesTheDefaultSirenPort() =>
        Assert.That(Succeeded(Resolve("-hs", "siren.local")).SirenPort, Is.EqualTo(3434));

    [Test]
    public void SirenPortAlone_UsesTheDefaultSirenHost()
    {
        GatewayOptions options = Succeeded(Resolve("-ps", "4000"));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("127.0.0.1", 4000)));
    }

    [Test]
    public void BareIPv6SirenHost_IsBracketedForTheCombination()
    {
        GatewayOptions options = Succeeded(Resolve("-ps", "4000", "-hs", "::1"));
        Assert.That((options.SirenHost, options.SirenPort), Is.EqualTo(("::1", 4000)));
    }

    [Test]
    public void LegacyFlags_MixWithLongOptions()
    {
        GatewayOptions options = Succeeded(Resolve("--max-connections", "9", "-pi", "9000"));
        Assert.That((options.MaxConnections, options.Port), Is.EqualTo((9, 9000)));
    }

    [Test]
    public void LegacyPort_OverridesTheEnvironmentLikeTheLongOption() =>
        Assert.That(Succeeded(Resolve(TestEnvironment.With(("WEBSOCKETFY_PORT", "9001")), "-pi", "9002")).Port, Is.EqualTo(9002));

    [Test]
    public void BadLegacyPort_IsReportedAsTheOptionItStandsFor()
    {
        OptionsResolution resolution = Resolve("-pi", "70000");
        Assert.That(resolution.Error, Is.EqualTo("--port: '70000' is not a port number (1-65535, or 0 for any free port)"));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [TestCase("-hi", "'-hi' needs a value (-hi <bind ip>)")]
    [TestCase("-pi", "'-pi' needs a value (-pi <port>)")]
    [TestCase("-hs", "'-hs' needs a value (-hs <siren host>)")]
    [TestCase("-ps", "'-ps' needs a value (-ps <siren port>)")]
    public void LegacyFlagWithoutValue_IsAUsageError(string flag, string error)
    {
        OptionsResolution resolution = Resolve(flag);
        Assert.That(resolution.Error, Is.EqualTo(error));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void LegacySirenFlagsWithSirenOption_AreAUsageError()
    {
        OptionsResolution resolution = Resolve("-hs", "a", "--siren=b:1");
        Assert.That(resolution.Error, Is.EqualTo("'-hs'/'-ps' and '--siren' cannot be combined"));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void RepeatedLegacySirenFlag_IsAUsageError()
    {
        OptionsResolution resolution = Resolve("-ps", "1", "-ps", "2");
        Assert.That(resolution.Error, Is.EqualTo("'-ps' is given more than once"));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void LegacyLookingValueOfALongOption_IsLeftAlone()
    {
        LegacyArguments.Result result = LegacyArguments.Rewrite(["--root", "-hi", "-pi", "1"], new CommandLineDefinition().TakesValue);
        Assert.That(result.Arguments, Is.EqualTo(new[] { "--root", "-hi", "--port", "1" }));
    }

    [Test]
    public void SirenFlags_BecomeOneSirenOptionWhereTheFirstOfThemWas()
    {
        LegacyArguments.Result result = LegacyArguments.Rewrite(
            ["-pi", "1", "-ps", "4000", "--require-origin", "-hs", "siren"], new CommandLineDefinition().TakesValue);
        Assert.That(result.Arguments, Is.EqualTo(new[] { "--port", "1", "--siren", "siren:4000", "--require-origin" }));
    }
}
