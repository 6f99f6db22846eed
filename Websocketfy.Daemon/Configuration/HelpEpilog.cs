namespace Websocketfy.Daemon.Configuration;

/// <summary>What --help prints after the option list: what a sysadmin needs without the README.</summary>
internal static class HelpEpilog
{
    public static string Text { get; } = string.Join(Environment.NewLine,
    [
        "Configuration:",
        "  Each setting can be given, from highest to lowest precedence, as",
        "    1. a command-line option:         --max-message-size 2M",
        "    2. an environment variable:       WEBSOCKETFY_MAX_MESSAGE_SIZE=2M",
        "       (WEBSOCKETFY_ + the option name in upper case, dashes as underscores; empty = unset)",
        "    3. a line in the --config file:   max-message-size = 2M",
        "       (also WEBSOCKETFY_CONFIG=FILE; '#' starts a comment; see the annotated websocketfy.conf)",
        "    4. the default shown above.",
        "  An option that is repeatable (--allowed-origins) adds up within one place;",
        "  a higher place replaces the values of a lower one.",
        "",
        "Values:",
        "  SIZE      " + Syntax.SizeSyntax.Explanation,
        "  DURATION  " + Syntax.DurationSyntax.Explanation,
        "",
        "Flags of the original WS-Server, still accepted:",
        "  -hi <bind ip>      same as --bind",
        "  -pi <port>         same as --port",
        "  -hs <siren host>   with -ps <siren port>: same as --siren host:port",
        "                     (either alone uses the default of the other)",
        "",
        "Exit codes:",
        $"  {ExitCodes.Ok}   normal exit (also after SIGTERM)",
        $"  {ExitCodes.Usage}  bad command-line option or value",
        $"  {ExitCodes.RootUnusable}  --root missing, not a directory, or unreadable",
        $"  {ExitCodes.CannotListen}  cannot listen (port already in use, address not available)",
        $"  {ExitCodes.Software}  unexpected internal fault",
        $"  {ExitCodes.SpoolUnusable}  --spool-directory missing or not writable",
        $"  {ExitCodes.Config}  config file missing, unreadable or wrong, or a bad WEBSOCKETFY_* value;",
        "      also a TLS certificate or key that cannot be used (missing, unreadable, not PEM,",
        "      encrypted, not matching each other, or only one of the two given); the message names the file",
        "",
        "Reloading:",
        "  SIGHUP (systemctl reload) reads the config file, the environment the daemon was started",
        "  with and the TLS certificate and key again. New connections and commands use the new",
        "  values; open connections stay. A configuration with an error changes nothing (the error",
        "  is logged). These settings need a restart (a change is logged and ignored):",
        "    " + string.Join(", ", SettingCatalog.All.Where(s => !s.ReloadsLive).Select(s => s.OptionName))
            + ", and turning TLS on or off",
        "",
    ]);
}
