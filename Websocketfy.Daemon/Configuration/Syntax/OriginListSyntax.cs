namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Comma-separated web origins ("https://viewer.example, http://10.0.0.7:8000").
/// Each is brought to the form browsers send in the Origin header (lower-case scheme and host,
/// punycode host, default port left out, no trailing slash), so the session can compare exactly.
/// "*" (any origin) and "null" (the opaque origin of sandboxed or file:// pages) are kept as written.</summary>
internal static class OriginListSyntax
{
    public const string AnyOrigin = "*";
    public const string OpaqueOrigin = "null";

    /// <summary>An empty or blank text is an empty list (every origin allowed, as by default).</summary>
    public static Parsed<IReadOnlyList<string>> Parse(string text) => ListSyntax.Parse(text, ParseOrigin);

    public static string Format(IReadOnlyList<string> origins) => string.Join(", ", origins);

    private static Parsed<string> ParseOrigin(string item)
    {
        if (item is AnyOrigin or OpaqueOrigin)
            return item;
        if (!Uri.TryCreate(item, UriKind.Absolute, out Uri? uri)
            || uri.IsFile || uri.IdnHost.Length == 0 || uri.UserInfo.Length != 0
            || uri.AbsolutePath != "/" || uri.Query.Length != 0 || uri.Fragment.Length != 0
            || item.EndsWith('?') || item.EndsWith('#'))
            return Parsed<string>.Fail($"'{item}' is not an origin (scheme://host[:port], e.g. https://viewer.example, or *)");

        string host = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
