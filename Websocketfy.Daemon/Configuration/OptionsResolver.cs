using System.CommandLine;

namespace Websocketfy.Daemon.Configuration;

/// <summary>Turns the command line, the environment and the config file into <see cref="GatewayOptions"/>:
/// command line over environment over file over defaults. Every value from every place is checked, even one
/// a higher place overrides, so a mistake in the file surfaces now rather than when the override goes away.
/// No console and no process environment are touched; the file system is (config file, --root).</summary>
public static class OptionsResolver
{
    /// <summary>Resolves and validates the options for a daemon start. --help and --version are ignored
    /// here; <see cref="CommandLine.RunAsync"/> handles them.</summary>
    /// <param name="arguments">The command line, without the program name; legacy WS-Server flags allowed.</param>
    /// <param name="getEnvironment">Reads an environment variable; null when unset.</param>
    public static OptionsResolution Resolve(IReadOnlyList<string> arguments, Func<string, string?> getEnvironment)
    {
        var definition = new CommandLineDefinition();
        LegacyArguments.Result legacy = LegacyArguments.Rewrite(arguments, definition.TakesValue);
        if (legacy.Error is not null)
            return OptionsResolution.Failure(legacy.Error, ExitCodes.Usage);
        ParseResult parse = definition.Parse(legacy.Arguments);
        if (parse.Errors.Count > 0)
            return OptionsResolution.Failure(parse.Errors[0].Message, ExitCodes.Usage);
        return Resolve(definition, parse, getEnvironment);
    }

    internal static OptionsResolution Resolve(CommandLineDefinition definition, ParseResult parse, Func<string, string?> getEnvironment)
    {
        var layers = new List<SettingLayer>(3);

        string? configPath = parse.GetResult(definition.ConfigOption) is null
            ? EnvironmentLayer.ConfigPath(getEnvironment)
            : parse.GetValue(definition.ConfigOption);
        if (configPath is not null)
        {
            ConfigFileParser.Result file = ConfigFile.Read(configPath);
            if (file.Error is not null)
                return OptionsResolution.Failure(file.Error, ExitCodes.Config);
            layers.Add(new SettingLayer(file.Assignments, ExitCodes.Config));
        }
        layers.Add(EnvironmentLayer.Read(getEnvironment));
        layers.Add(definition.ReadLayer(parse));

        var options = new GatewayOptions { ConfigFile = configPath is null ? null : Path.GetFullPath(configPath) };
        foreach (SettingLayer layer in layers)
        {
            if (Apply(layer, ref options) is string error)
                return OptionsResolution.Failure(error, layer.ExitCodeOnBadValue);
        }

        if (options.ProxyProtocol && options.TrustedProxies.Count == 0)
            return OptionsResolution.Failure(
                "proxy-protocol is on but trusted-proxies is empty: name the load balancers that send the PROXY header "
                + "(e.g. --trusted-proxies 10.0.0.5), or no connection could be accepted", ExitCodes.Config);

        if ((options.TlsCertificate is null) != (options.TlsKey is null))
        {
            return OptionsResolution.Failure(options.TlsCertificate is null
                ? "tls-key is set but tls-certificate is not: TLS needs both (or neither, for plain ws://)"
                : "tls-certificate is set but tls-key is not: TLS needs both (or neither, for plain ws://)",
                ExitCodes.TlsUnusable);
        }
        if (AuthOptionsCheck.Problem(options) is string authProblem)
            return OptionsResolution.Failure(authProblem, ExitCodes.Usage);
        if (DirectoryChecks.ProblemWithRoot(options.Root) is string rootProblem)
            return OptionsResolution.Failure(rootProblem, ExitCodes.RootUnusable);
        if (DirectoryChecks.ProblemWithSpoolDirectory(options.SpoolDirectory) is string spoolProblem)
            return OptionsResolution.Failure(spoolProblem, ExitCodes.SpoolUnusable);

        // Absolute paths keep meaning the same directories if the working directory changes later,
        // and say in the startup log exactly what is served.
        return OptionsResolution.Success(options with
        {
            Root = Path.GetFullPath(options.Root),
            SpoolDirectory = Path.GetFullPath(options.SpoolDirectory),
            TlsCertificate = options.TlsCertificate is null ? null : Path.GetFullPath(options.TlsCertificate),
            TlsKey = options.TlsKey is null ? null : Path.GetFullPath(options.TlsKey),
            TokensFile = FullPathOrNull(options.TokensFile),
            JwtKeys = FullPathOrNull(options.JwtKeys),
            AuditLog = FullPathOrNull(options.AuditLog),
        });
    }

    private static string? FullPathOrNull(string? path) => path is null ? null : Path.GetFullPath(path);

    /// <summary>Applies one place's values over what lower places set. Returns the complaint, or null.</summary>
    private static string? Apply(SettingLayer layer, ref GatewayOptions options)
    {
        // An accumulating setting given here replaces, as a whole, what lower places gave for it.
        foreach (SettingAssignment assignment in layer.Assignments)
        {
            if (assignment.Setting.Accumulates)
                options = assignment.Setting.Reset(options);
        }
        foreach (SettingAssignment assignment in layer.Assignments)
        {
            if (!assignment.Setting.TryApply(assignment.Value, ref options, out string? problem))
                return $"{assignment.Source}: {problem}";
        }
        return null;
    }
}
