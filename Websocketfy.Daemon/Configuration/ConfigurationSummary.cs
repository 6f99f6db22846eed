using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Daemon.Configuration;

/// <summary>What --check-config prints once the settings are read and checked: where the daemon would
/// listen and what it would serve, so a sysadmin (or the package's postinst) sees the effect of an edit
/// without starting the service.</summary>
internal static class ConfigurationSummary
{
    public static string Describe(GatewayOptions options)
    {
        string proxies = options.TrustedProxies.Count == 0
            ? "none (every client is its TCP peer)"
            : NetworkListSyntax.Format(options.TrustedProxies) + (options.ProxyProtocol ? " (PROXY protocol)" : " (X-Forwarded-For)");
        string origins = options.AllowedOrigins.Count == 0 ? "any (warned at start-up)" : OriginListSyntax.Format(options.AllowedOrigins);
        return string.Join(Environment.NewLine,
        [
            "configuration OK" + (options.ConfigFile is null ? " (no config file)" : $" ({options.ConfigFile})"),
            $"  listen           {options.Bind} port {options.Port}",
            $"  siren            {new SirenAddress(options.SirenHost, options.SirenPort)}",
            $"  root             {options.Root}",
            $"  trusted proxies  {proxies}",
            $"  allowed origins  {origins}",
        ]);
    }
}
