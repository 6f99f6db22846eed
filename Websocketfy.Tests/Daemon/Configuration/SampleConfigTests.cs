using System.Text.RegularExpressions;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>The annotated websocketfy.conf shipped at the repository root must stay in step with the code.</summary>
public partial class SampleConfigTests : ResolverTestBase
{
    /// <summary>A setting line, commented out ("#port = 8080") or not ("port = 8080"); prose comments
    /// have a space after the "#" and so never match.</summary>
    [GeneratedRegex(@"^#?(?<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*=", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    private static string SamplePath
    {
        get
        {
            for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Websocketfy.sln")))
                    return Path.Combine(directory.FullName, "websocketfy.conf");
            }
            throw new FileNotFoundException("no Websocketfy.sln above the test directory");
        }
    }

    private static string SampleText => File.ReadAllText(SamplePath);

    [Test]
    public void ShippedFile_IsAcceptedByTheDaemon()
    {
        GatewayOptions options = Succeeded(Resolve("--config", SamplePath));
        Assert.That(options.ConfigFile, Is.EqualTo(SamplePath));
    }

    [Test]
    public void EveryOption_AppearsAsAKeyInTheShippedFile()
    {
        var keysInFile = SettingLine().Matches(SampleText).Select(m => m.Groups["key"].Value).ToList();
        Assert.That(keysInFile, Is.EquivalentTo(SettingCatalog.All.Select(s => s.Key)));
    }

    [Test]
    public void EveryKeyInTheShippedFile_IsAnOption()
    {
        foreach (Match match in SettingLine().Matches(SampleText))
            Assert.That(SettingCatalog.Find(match.Groups["key"].Value), Is.Not.Null, match.Value);
    }

    [Test]
    public void CommentedValuesOfTheShippedFile_AreTheDefaults()
    {
        // Uncomment every setting line: the result must parse and change nothing but the spool directory,
        // whose default depends on $TMPDIR.
        string uncommented = SettingLine().Replace(SampleText, m => m.Value.TrimStart('#'));
        ConfigFileParser.Result parsed = ConfigFileParser.Parse(uncommented, "websocketfy.conf");
        Assert.That(parsed.Error, Is.Null);

        var defaults = new GatewayOptions();
        GatewayOptions options = defaults;
        foreach (SettingAssignment assignment in parsed.Assignments)
            Assert.That(assignment.Setting.TryApply(assignment.Value, ref options, out string? problem), Is.True, problem);

        Assert.That(parsed.Assignments, Has.Count.EqualTo(SettingCatalog.All.Count));
        Assert.That(options.AllowedOrigins, Is.Empty);
        Assert.That(options.TrustedProxies, Is.Empty);
        Assert.That(options.Roles, Is.Empty);
        Assert.That(options with
        {
            SpoolDirectory = defaults.SpoolDirectory,
            AllowedOrigins = defaults.AllowedOrigins,
            TrustedProxies = defaults.TrustedProxies,
            Roles = defaults.Roles,
        }, Is.EqualTo(defaults));
    }
}
