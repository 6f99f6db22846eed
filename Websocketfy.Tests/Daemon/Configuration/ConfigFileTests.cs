using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>websocketfy.conf through the resolver, with real files.</summary>
public class ConfigFileTests : ResolverTestBase
{
    private string ConfigWith(string text) => Scratch.Write("websocketfy.conf", text);

    private OptionsResolution ResolveFile(string text) => Resolve("--config", ConfigWith(text));

    private void AssertConfigError(OptionsResolution resolution, string expected)
    {
        Assert.That(resolution.Error, Is.EqualTo(expected));
        Assert.That(resolution.ExitCode, Is.EqualTo(ExitCodes.Config));
        Assert.That(resolution.Options, Is.Null);
    }

    [Test]
    public void CommentsBlankLinesAndTrailingComments_AreIgnored()
    {
        GatewayOptions options = Succeeded(ResolveFile(
            "# the port\n\n   # indented comment\nport = 9000   # why: the proxy expects it\n\t\nmax-queued-commands=5\t#tab before\n"));
        Assert.That(options.Port, Is.EqualTo(9000));
        Assert.That(options.MaxQueuedCommands, Is.EqualTo(5));
    }

    [Test]
    public void HashNotAfterWhiteSpace_IsPartOfTheValue()
    {
        string spool = Scratch.Dir("dir#1");
        Assert.That(Succeeded(ResolveFile($"spool-directory = {spool}\n")).SpoolDirectory, Is.EqualTo(spool));
    }

    [Test]
    public void WindowsLineEndingsAndKeyCase_DoNotMatter() =>
        Assert.That(Succeeded(ResolveFile("# conf\r\nPort = 9000\r\n")).Port, Is.EqualTo(9000));

    [Test]
    public void UnknownKey_IsNamedWithFileAndLine()
    {
        string path = ConfigWith("# settings\n\nprot = 9000\n");
        AssertConfigError(Resolve("--config", path), $"{path}:3: unknown key 'prot'");
    }

    [Test]
    public void LineWithoutEquals_IsMalformed()
    {
        string path = ConfigWith("port 9000\n");
        AssertConfigError(Resolve("--config", path), $"{path}:1: expected 'key = value', found 'port 9000'");
    }

    [Test]
    public void LineWithoutKey_IsMalformed()
    {
        string path = ConfigWith("port = 9000\n= 9001\n");
        AssertConfigError(Resolve("--config", path), $"{path}:2: missing key before '='");
    }

    [Test]
    public void BadValue_IsNamedWithFileLineAndKey()
    {
        string path = ConfigWith("port = 9000\nmax-message-size = 1MB\n");
        AssertConfigError(Resolve("--config", path),
            $"{path}:2: max-message-size: '1MB' is not a size (bytes, or a whole number with K, M or G (KiB, MiB, GiB), e.g. 1M)");
    }

    [Test]
    public void UnparsableSiren_IsNamedWithFileAndLine()
    {
        string path = ConfigWith("siren = ::1:3434\n");
        AssertConfigError(Resolve("--config", path),
            $"{path}:1: siren: '::1:3434' is ambiguous: write an IPv6 address in brackets, e.g. [::1]:3434");
    }

    [Test]
    public void DuplicateKey_IsRefused()
    {
        string path = ConfigWith("port = 9000\nsiren = siren:1\nport = 9001\n");
        AssertConfigError(Resolve("--config", path), $"{path}:3: duplicate key 'port' (already set on line 1)");
    }

    [Test]
    public void ConfigKey_IsRefusedInsideAConfigFile()
    {
        string path = ConfigWith("config = other.conf\n");
        AssertConfigError(Resolve("--config", path), $"{path}:1: 'config' cannot be set in a config file");
    }

    [Test]
    public void MissingFile_IsAConfigError()
    {
        string path = Path.Combine(Scratch.Root, "absent.conf");
        AssertConfigError(Resolve("--config", path), $"cannot read config file '{path}': no such file");
    }

    [Test]
    public void FileInAMissingDirectory_IsAConfigError()
    {
        string path = Path.Combine(Scratch.Root, "absent", "websocketfy.conf");
        AssertConfigError(Resolve("--config", path), $"cannot read config file '{path}': no such file");
    }

    [Test]
    public void Directory_IsNotAConfigFile() =>
        AssertConfigError(Resolve("--config", Scratch.Root), $"cannot read config file '{Scratch.Root}': it is a directory");

    [Test]
    public void EmptyConfigName_IsAConfigError() =>
        AssertConfigError(Resolve("--config", ""), "config file name is empty");

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreadableFile_IsAConfigError()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root reads files whatever their mode");
        string path = ConfigWith("port = 9000\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        AssertConfigError(Resolve("--config", path), $"cannot read config file '{path}': permission denied");
    }

    [Test]
    public void MissingConfigFileNamedByTheEnvironment_IsAConfigError()
    {
        string path = Path.Combine(Scratch.Root, "absent.conf");
        AssertConfigError(Resolve(TestEnvironment.With(("WEBSOCKETFY_CONFIG", path))), $"cannot read config file '{path}': no such file");
    }

    [Test]
    public void EmptyOriginsValue_MeansAnEmptyList() =>
        Assert.That(Succeeded(ResolveFile("allowed-origins =\n")).AllowedOrigins, Is.Empty);

    [Test]
    public void LongMalformedLine_IsShortenedInTheMessage()
    {
        string path = ConfigWith(new string('x', 100) + "\n");
        AssertConfigError(Resolve("--config", path), $"{path}:1: expected 'key = value', found '{new string('x', 40)}...'");
    }
}
