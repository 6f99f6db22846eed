using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Network;

/// <summary>Cross-site WebSocket hijacking guard (RFC 6455 section 10.2): which browser Origins may upgrade.</summary>
internal static class OriginPolicy
{
    /// <summary>Null = everything allowed (no list and no require-origin). Entries are exact
    /// scheme://host[:port] (compared case-insensitively, as origins are); "*" allows any present Origin.</summary>
    public static Func<string?, bool>? Create(GatewayOptions options)
    {
        if (options.AllowedOrigins.Count == 0 && !options.RequireOrigin) return null;
        var allowed = new HashSet<string>(options.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        bool any = allowed.Contains("*") || allowed.Count == 0;
        bool require = options.RequireOrigin;
        return origin => origin is null ? !require : any || allowed.Contains(origin);
    }
}
