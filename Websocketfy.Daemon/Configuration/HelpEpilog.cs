namespace Websocketfy.Daemon.Configuration;

/// <summary>What --help prints after the option list, and the man page renders as its own sections:
/// what a sysadmin needs without the README.</summary>
internal static class HelpEpilog
{
    /// <param name="Title">The heading in --help.</param>
    /// <param name="ManTitle">The section name in the man page (upper case, as man pages spell them).</param>
    /// <param name="Lines">Laid out for a fixed-width terminal; indentation is part of the text.</param>
    public sealed record Section(string Title, string ManTitle, IReadOnlyList<string> Lines);

    public static IReadOnlyList<Section> Sections { get; } =
    [
        new("Configuration", "CONFIGURATION",
        [
            "Each setting can be given, from highest to lowest precedence, as",
            "  1. a command-line option:         --max-message-size 2M",
            "  2. an environment variable:       WEBSOCKETFY_MAX_MESSAGE_SIZE=2M",
            "     (WEBSOCKETFY_ + the option name in upper case, dashes as underscores; empty = unset)",
            "  3. a line in the --config file:   max-message-size = 2M",
            "     (also WEBSOCKETFY_CONFIG=FILE; '#' starts a comment; see the annotated websocketfy.conf)",
            "  4. the default shown above.",
            "An option that is repeatable (--allowed-origins, --trusted-proxies) adds up within one place;",
            "a higher place replaces the values of a lower one.",
        ]),
        new("Values", "VALUES",
        [
            "SIZE      " + Syntax.SizeSyntax.Explanation,
            "DURATION  " + Syntax.DurationSyntax.Explanation,
        ]),
        new("Flags of the original WS-Server, still accepted", "LEGACY FLAGS",
        [
            "-hi <bind ip>      same as --bind",
            "-pi <port>         same as --port",
            "-hs <siren host>   with -ps <siren port>: same as --siren host:port",
            "                   (either alone uses the default of the other)",
        ]),
        new("Access (see README, Securing it)", "ACCESS",
        [
            "--auth token|jwt: clients send a bearer token as 'Authorization: Bearer TOKEN', as ?access_token=TOKEN",
            "(browsers; proxies may log query strings) or as the cookie websocketfy_token=TOKEN.",
            "Roles: viewer = files,sql-read; admin = files,sql-read,sql-write; files = files; more with --role.",
            "sql-read allows SQL whose first keyword is SELECT or DESC; everything else needs sql-write.",
            "websocketfy token new NAME ROLE   prints a new random token once, and its line for --tokens-file.",
            "SIGHUP re-reads --tokens-file and --jwt-keys and re-opens --audit-log.",
        ]),
        new("Exit codes", "EXIT STATUS",
        [
            $"{ExitCodes.Ok}   normal exit (also after SIGTERM), or --check-config found nothing wrong",
            $"{ExitCodes.Usage}  bad command-line option or value",
            $"{ExitCodes.RootUnusable}  --root missing, not a directory, or unreadable",
            $"{ExitCodes.CannotListen}  cannot listen (port already in use, address not available)",
            $"{ExitCodes.Software}  unexpected internal fault",
            $"{ExitCodes.SpoolUnusable}  --spool-directory missing or not writable, or --audit-log cannot be opened",
            $"{ExitCodes.Config}  config file missing, unreadable or wrong, a bad WEBSOCKETFY_* value,",
            "    or settings that contradict each other; also a TLS certificate or key that cannot be used",
            "    (missing, unreadable, not PEM, encrypted, not matching each other, or only one of the two",
            "    given); the message names the file; also a --tokens-file or --jwt-keys file that cannot",
            "    be read or is wrong",
        ]),
        new("Reloading", "RELOADING",
        [
            "SIGHUP (systemctl reload) reads the config file, the environment the daemon was started",
            "with, the TLS certificate and key, the tokens file and the JWT keys again, and re-opens the",
            "audit log. New connections and commands use the new values; open connections stay, except",
            "those whose credential the new tokens or keys no longer accept (1008 credential revoked).",
            "A configuration with an error changes nothing (the error is logged). These settings need",
            "a restart (a change is logged and ignored):",
            "  " + string.Join(", ", SettingCatalog.All.Where(s => !s.ReloadsLive).Select(s => s.OptionName))
                + ", and turning TLS on or off",
        ]),
    ];

    public static string Text { get; } = string.Concat(Sections.Select(section =>
        section.Title + ":" + Environment.NewLine
        + string.Concat(section.Lines.Select(line => "  " + line + Environment.NewLine))
        + Environment.NewLine));
}
