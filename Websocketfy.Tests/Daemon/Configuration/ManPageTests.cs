using System.Text.RegularExpressions;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>websocketfy(8) and --help come from one option list: these tests read both as a user would
/// (the --help text, the man page with its roff markup taken off) and fail when they disagree.</summary>
public partial class ManPageTests
{
    private static async Task<string> RunAsync(params string[] arguments)
    {
        var stdout = new StringWriter();
        int code = await CommandLine.RunAsync(arguments, (_, _) => Task.FromResult(ExitCodes.Software), stdout, new StringWriter(), TestEnvironment.Empty);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), string.Join(' ', arguments));
        return stdout.ToString();
    }

    /// <summary>The lines of one block of --help ("Description:", "Arguments:", ...), without their indentation.</summary>
    private static List<string> HelpBlock(string help, string title)
    {
        var lines = help.Split('\n');
        return lines.SkipWhile(line => line != title).Skip(1).TakeWhile(line => line.Trim().Length > 0).Select(line => line.Trim()).ToList();
    }

    /// <summary>The --help option list: (names, value placeholder, description), in order. Help does not wrap
    /// into a pipe, so each option is one line: names and placeholder, two or more spaces, the description.</summary>
    private static List<(string Names, string Value, string Description)> HelpOptions(string help)
    {
        var options = new List<(string, string, string)>();
        bool inOptions = false;
        foreach (string line in help.Split('\n'))
        {
            if (line == "Options:") { inOptions = true; continue; }
            if (!inOptions) continue;
            if (line.Trim().Length == 0) break;
            var match = HelpLine().Match(line);
            Assert.That(match.Success, Is.True, line);
            options.Add((match.Groups["names"].Value, match.Groups["value"].Value, match.Groups["description"].Value.Trim()));
        }
        return options;
    }

    [GeneratedRegex(@"^  (?<names>-\S*(?:, -\S*)*)(?: <(?<value>[^>]+)>)?\s{2,}(?<description>.+)$")]
    private static partial Regex HelpLine();

    /// <summary>The man page's OPTIONS entries: (names, value placeholder, description), in order.</summary>
    private static List<(string Names, string Value, string Description)> ManOptions(string man)
    {
        string[] lines = man.Split('\n');
        var options = new List<(string, string, string)>();
        int start = Array.IndexOf(lines, ".SH OPTIONS");
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith(".SH", StringComparison.Ordinal); i++)
        {
            if (lines[i] != ".TP") continue;
            var term = ManTerm().Match(lines[i + 1]);
            Assert.That(term.Success, Is.True, lines[i + 1]);
            string names = string.Join(", ", term.Groups["name"].Captures.Select(c => Plain(c.Value)));
            options.Add((names, Plain(term.Groups["value"].Value), Plain(lines[i + 2])));
        }
        return options;
    }

    [GeneratedRegex(@"^\\fB(?<name>[^\\]*(?:\\-[^\\]*)*)\\fR(?:, \\fB(?<name>[^\\]*(?:\\-[^\\]*)*)\\fR)*(?: \\fI(?<value>.*)\\fR)?$")]
    private static partial Regex ManTerm();

    /// <summary>Roff text as the reader sees it.</summary>
    private static string Plain(string roff) =>
        roff.Replace("\\-", "-").Replace("\\e", "\\").Replace("\\&", "").Replace("\\fB", "").Replace("\\fI", "").Replace("\\fR", "");

    [Test]
    public async Task ManPageOptions_AreTheHelpOptionsWithTheSameWords()
    {
        var help = HelpOptions(await RunAsync("--help"));
        var man = ManOptions(await RunAsync("--man"));

        Assert.That(help, Has.Count.EqualTo(SettingCatalog.All.Count + 4), "every setting, --config, --check-config, --help, --version");
        Assert.That(man, Is.EqualTo(help));
    }

    [Test]
    public async Task ManPageCommands_AreTheSubcommandsOfHelp_WithTheirDescriptionsAndArguments()
    {
        string[] man = (await RunAsync("--man")).Split('\n');
        var commands = HelpBlock(await RunAsync("--help"), "Commands:");
        Assert.That(commands, Is.Not.Empty, "websocketfy has subcommands (token)");
        int section = Array.IndexOf(man, ".SH COMMANDS");
        Assert.That(section, Is.GreaterThan(0));
        var entries = new List<string>();
        for (int i = section + 1; i < man.Length && !man[i].StartsWith(".SH", StringComparison.Ordinal); i++)
            if (man[i] == ".TP") entries.Add(Plain(man[i + 1]));

        // Each command as its own --help shows it: description, usage, arguments.
        foreach (string entry in entries)
        {
            string[] words = entry.Split(' ');
            string[] path = words.Skip(1).TakeWhile(word => word == word.ToLowerInvariant()).ToArray();
            string help = await RunAsync([.. path, "--help"]);
            int at = Array.FindIndex(man, line => Plain(line) == entry);
            Assert.That(Plain(man[at + 1]), Is.EqualTo(HelpBlock(help, "Description:").Single()), entry);
            // In a test run the program is called "testhost": the usage is compared from the command on.
            string usage = HelpBlock(help, "Usage:").Single().Replace("<", "").Replace(">", "").Replace(" [command]", "").Replace(" [options]", "");
            Assert.That(usage[usage.IndexOf(' ')..], Is.EqualTo(entry["websocketfy".Length..]), entry);
            var arguments = HelpBlock(help, "Arguments:").Select(line => Regex.Replace(line, @"^<(\S+)>\s+", "$1: ")).ToList();
            var manArguments = man.Skip(at + 2).TakeWhile(line => line == ".br" || !line.StartsWith('.')).Where(line => line != ".br").Select(Plain).ToList();
            Assert.That(manArguments, Is.EqualTo(arguments), entry);
        }
        Assert.That(entries.Select(e => e.Split(' ')[1]).Distinct(), Is.EquivalentTo(commands.Select(c => c.Split(' ')[0])));
    }

    [Test]
    public async Task ManPage_HasEverySectionThatFollowsTheOptionsInHelp()
    {
        string help = await RunAsync("--help");
        string[] man = (await RunAsync("--man")).Split('\n');
        foreach (HelpEpilog.Section section in HelpEpilog.Sections)
        {
            Assert.That(help, Does.Contain(section.Title + ":"));
            int heading = Array.IndexOf(man, ".SH " + section.ManTitle);
            Assert.That(heading, Is.GreaterThan(0), section.ManTitle);
            for (int i = 0; i < section.Lines.Count; i++)
            {
                Assert.That(help, Does.Contain("  " + section.Lines[i]), section.Title);
                Assert.That(Plain(man[heading + 2 + i]), Is.EqualTo(section.Lines[i]), section.ManTitle);
            }
        }
    }

    [Test]
    public async Task ManPageTitle_CarriesTheVersionThatVersionPrints()
    {
        string version = (await RunAsync("--version")).Trim();
        string title = (await RunAsync("--man")).Split('\n').Single(line => line.StartsWith(".TH ", StringComparison.Ordinal));
        Assert.That(title, Is.EqualTo($".TH WEBSOCKETFY 8 \"\" \"{ManPage.Escape(version)}\" \"System Administration\""));
    }

    [Test]
    public async Task ManPage_IsReadByManWithoutAWarning()
    {
        // The check lintian makes on every packaged man page (groff's warnings, UTF-8, no output kept).
        if (!File.Exists("/usr/bin/man")) Assert.Ignore("man-db is not installed (.ci/run installs it)");
        string path = Path.Combine(Path.GetTempPath(), $"websocketfy-{Environment.ProcessId}.8");
        await File.WriteAllTextAsync(path, await RunAsync("--man"));
        try
        {
            var man = await Interop.ChildProcess.RunAsync("man", ["--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", path],
                                                          environment: new Dictionary<string, string?> { ["MANWIDTH"] = "80" });
            Assert.That(man.ExitCode, Is.Zero, man.ToString());
            Assert.That(man.StandardError, Is.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("--version", "-")]
    [TestCase("back\\slash", "\\e")]
    [TestCase(".starts with a dot", "\\&.")]
    [TestCase("'starts with a quote", "\\&'")]
    public void Escape_MakesTextLiteralForRoff(string text, string expectedPart) =>
        Assert.That(ManPage.Escape(text), Does.Contain(expectedPart == "-" ? "\\-\\-version" : expectedPart));
}
