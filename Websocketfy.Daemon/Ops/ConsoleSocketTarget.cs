using System.Net;
using System.Net.Sockets;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Daemon.Ops;

/// <summary>The main port as a browser reaches it: the address it is bound to, its port, and whether it speaks TLS.</summary>
internal sealed record MainPortAddress(IPAddress Bind, int Port, bool Tls);

/// <summary>
/// Where the console's WebSocket goes when the page came from the ops listener (--ops-bind): the ops listener
/// has no gateway behind it, so the page is told the main port's URL. The host is the one the operator opened
/// the page by (the Host header) when the main port listens there too (bound to all interfaces, or to the
/// ops-bind address), else the main port's own address. A name stays a name, so a TLS certificate for it matches.
/// </summary>
/// <param name="Url">What the page opens, e.g. ws://gateway.example.org:8080/.</param>
/// <param name="ConnectSource">The CSP connect-src source that allows exactly that (any host on that port for an
/// IPv6 literal: CSP host sources cannot spell one, and Chromium drops a bracketed one).</param>
internal sealed record ConsoleSocketTarget(string Url, string ConnectSource)
{
    /// <summary>The target for a page requested from <paramref name="opsAddress"/> with <paramref name="hostHeader"/>,
    /// or null when the host is needed and the header names none (missing, or not a host name or IP address).</summary>
    public static ConsoleSocketTarget? For(MainPortAddress main, IPAddress opsAddress, string? hostHeader)
    {
        string? host = ListensWherePageCameFrom(main.Bind, opsAddress) ? HostOf(hostHeader) : UrlHost(main.Bind);
        if (host is null) return null;
        string scheme = main.Tls ? "wss" : "ws";
        string sourceHost = host.StartsWith('[') ? "*" : host;
        return new($"{scheme}://{host}:{main.Port}/", $"{scheme}://{sourceHost}:{main.Port}");
    }

    /// <summary>Whether the main port listens on the address the page came from (all interfaces, or the ops-bind address).</summary>
    internal static bool ListensWherePageCameFrom(IPAddress bind, IPAddress opsAddress) =>
        bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) || bind.Equals(opsAddress);

    /// <summary>The host of a Host header ("name", "name:port", "1.2.3.4:port", "[::1]:port"), as a URL spells it;
    /// null when it is none of those (the header is copied into the page and its policy, so nothing else passes).</summary>
    internal static string? HostOf(string? header)
    {
        if (string.IsNullOrEmpty(header)) return null;
        string host = header, port = "";
        if (header.StartsWith('['))
        {
            int close = header.IndexOf(']');
            if (close < 0) return null;
            host = header[..(close + 1)];
            port = header[(close + 1)..];
            if (!AddressSyntax.IsIPv6Literal(host[1..^1])) return null;
        }
        else
        {
            int colon = header.IndexOf(':');
            if (colon >= 0) (host, port) = (header[..colon], header[colon..]);
            if (!AddressSyntax.IsHostName(host)) return null;
        }
        bool portOk = port.Length == 0 || (port.Length is > 1 and <= 6 && port[0] == ':' && !port.AsSpan(1).ContainsAnyExceptInRange('0', '9'));
        return portOk ? host.ToLowerInvariant() : null;
    }

    /// <summary>An address as a URL's host: IPv6 in brackets.</summary>
    internal static string UrlHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
