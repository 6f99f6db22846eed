using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Websocketfy.Daemon.Configuration;

/// <summary>The System.CommandLine model of websocketfy: one option per <see cref="Setting"/>, plus --config,
/// --check-config, --help, --version and the hidden --man. Option values stay text here; <see cref="Setting.TryApply"/> reads them, so the
/// command line, the environment and the config file accept exactly the same spellings.</summary>
internal sealed class CommandLineDefinition
{
    public const string Description =
        "WebSocket gateway: relays SQL commands from browser and WebAssembly clients to a SiREN server "
        + "and serves files from a read-only tree.";

    private readonly List<(Setting Setting, Option Option)> _settingOptions = [];

    public CommandLineDefinition()
    {
        Root = new RootCommand(Description);
        // The daemon takes no response files ("@file") and no "[directive]" arguments: a path or a bracketed
        // IPv6 address must never be read as one.
        Root.Directives.Clear();

        foreach (Setting setting in SettingCatalog.All)
        {
            Option option = MakeOption(setting);
            _settingOptions.Add((setting, option));
            Root.Options.Add(option);
        }
        ConfigOption = new Option<string>("--config")
        {
            Description = "Read settings from FILE (websocketfy.conf format: \"key = value\" lines); "
                + "also WEBSOCKETFY_CONFIG. Default: none.",
            HelpName = "FILE",
        };
        Root.Options.Add(ConfigOption);
        CheckConfigOption = new Option<bool>("--check-config")
        {
            Description = "Read and check the settings (config file, environment, options; --root and --spool-directory "
                + "must be usable), print what would be served, and exit without listening: 0 when all is well, "
                + "otherwise the error and its exit code.",
        };
        Root.Options.Add(CheckConfigOption);
        // The man page, for the package build; hidden because it is not for day-to-day use.
        Root.Options.Add(new Option<bool>("--man") { Hidden = true, Action = new PrintManPageAction(this) });
        Root.Subcommands.Add(Auth.TokenCommand.Create());
        // A command with subcommands but no action of its own makes the parser ask for a subcommand.
        // The daemon is the root's action: CommandLine.RunAsync sets the real one; this one only keeps
        // a parse for options alone (OptionsResolver) free of that complaint.
        Root.SetAction(_ => ExitCodes.Ok);

        foreach (Option option in Root.Options)
        {
            // The built-in help wraps to the terminal's width, and not at all into a pipe.
            if (option is HelpOption help && help.Action is HelpAction builtIn)
            {
                help.Action = new HelpWithEpilogAction(builtIn);
            }
            else if (option is VersionOption version)
            {
                version.Action = new PrintVersionAction();
            }
        }
    }

    public RootCommand Root { get; }

    public Option<string> ConfigOption { get; }

    public Option<bool> CheckConfigOption { get; }

    public static ParserConfiguration ParserConfiguration { get; } = new()
    {
        // Only -h and -? are short options; bundling would only turn typos into surprises.
        EnablePosixBundling = false,
        ResponseFileTokenReplacer = null,
    };

    public ParseResult Parse(IReadOnlyList<string> arguments) => Root.Parse(arguments, ParserConfiguration);

    /// <summary>Whether a command-line argument is an option name that consumes the next argument.</summary>
    public bool TakesValue(string argument)
    {
        if (argument == ConfigOption.Name)
            return true;
        foreach ((Setting setting, Option option) in _settingOptions)
        {
            if (argument == option.Name)
                return setting.ImpliedValue is null;
        }
        return false;
    }

    /// <summary>What the command line says, as assignments in catalog order; repeated values of an
    /// accumulating option keep their command-line order.</summary>
    public SettingLayer ReadLayer(ParseResult parse)
    {
        var assignments = new List<SettingAssignment>();
        foreach ((Setting setting, Option option) in _settingOptions)
        {
            if (parse.GetResult(option) is null)
                continue;
            if (option is Option<string[]> repeatable)
            {
                foreach (string value in parse.GetValue(repeatable) ?? [])
                    assignments.Add(new SettingAssignment(setting, value, setting.OptionName));
            }
            else
            {
                string? value = parse.GetValue((Option<string>)option) ?? setting.ImpliedValue;
                assignments.Add(new SettingAssignment(setting, value ?? "", setting.OptionName));
            }
        }
        return new SettingLayer(assignments, ExitCodes.Usage);
    }

    private static Option MakeOption(Setting setting)
    {
        string description = $"{setting.Description} Default: {setting.DefaultText}.";
        if (setting.Accumulates)
        {
            return new Option<string[]>(setting.OptionName)
            {
                Description = description,
                HelpName = setting.ValueName,
                Arity = ArgumentArity.OneOrMore,
                AllowMultipleArgumentsPerToken = false,
            };
        }
        return new Option<string>(setting.OptionName)
        {
            Description = description,
            HelpName = setting.ValueName,
            Arity = setting.ImpliedValue is null ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
        };
    }

    /// <summary>The built-in help followed by <see cref="HelpEpilog"/>.</summary>
    private sealed class HelpWithEpilogAction(HelpAction builtIn) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            builtIn.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.Write(HelpEpilog.Text);
            return ExitCodes.Ok;
        }
    }

    private sealed class PrintManPageAction(CommandLineDefinition definition) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(ManPage.Render(definition, VersionText.Version));
            return ExitCodes.Ok;
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(VersionText.Line);
            return ExitCodes.Ok;
        }
    }
}
