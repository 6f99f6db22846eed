using System.Reflection;
using System.Text;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

public class SettingCatalogTests
{
    /// <summary>GatewayOptions properties reached through something other than a setting of the same name.</summary>
    private static readonly Dictionary<string, string> SpecialProperties = new()
    {
        ["SirenHost"] = "siren",
        ["SirenPort"] = "siren",
        ["ConfigFile"] = "config",
        ["Roles"] = "role",
    };

    [Test]
    public void EveryGatewayOption_CanBeSetByAnOptionOfTheSameName()
    {
        var keys = SettingCatalog.All.Select(s => s.Key).Append("config").ToHashSet();
        foreach (PropertyInfo property in typeof(GatewayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == "EqualityContract")
                continue;
            string key = SpecialProperties.GetValueOrDefault(property.Name) ?? KebabCase(property.Name);
            Assert.That(keys, Does.Contain(key), $"GatewayOptions.{property.Name} has no option --{key}");
        }
    }

    [Test]
    public void Keys_AreUniqueLowerCaseWords()
    {
        var keys = SettingCatalog.All.Select(s => s.Key).ToList();
        Assert.That(keys, Is.Unique);
        Assert.That(keys, Has.All.Matches(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"), "lower-case words and digits (v2-chunk-size), joined by dashes");
    }

    [Test]
    public void EnvironmentVariable_IsThePrefixedUpperCaseKeyWithUnderscores() =>
        Assert.That(SettingCatalog.Find("max-connections-per-ip")!.EnvironmentVariable, Is.EqualTo("WEBSOCKETFY_MAX_CONNECTIONS_PER_IP"));

    [Test]
    public void Find_IgnoresCase() =>
        Assert.That(SettingCatalog.Find("Log-Level")!.Key, Is.EqualTo("log-level"));

    [Test]
    public void EveryDefault_IsReadBackFromItsFormattedText()
    {
        var defaults = new GatewayOptions();
        foreach (Setting setting in SettingCatalog.All)
        {
            GatewayOptions options = defaults with { };
            string text = setting.Format(defaults);
            Assert.That(setting.TryApply(text, ref options, out string? problem), Is.True, $"{setting.Key} = {text}: {problem}");
            Assert.That(setting.Format(options), Is.EqualTo(text), setting.Key);
        }
    }

    [Test]
    public void EveryDescription_EndsWithAFullStop() =>
        Assert.That(SettingCatalog.All.Select(s => s.Description), Has.All.EndsWith("."));

    private static string KebabCase(string name)
    {
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
                text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
