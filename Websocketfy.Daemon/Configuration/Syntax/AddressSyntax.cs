using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>IP addresses and host names as written by operators.</summary>
internal static class AddressSyntax
{
    /// <summary>An IP literal to bind to: IPv4 in dotted-quad form, or IPv6 with or without brackets.
    /// IPAddress.TryParse alone would also take "8080" (as 0.0.31.144), a likely mix-up with the port.</summary>
    public static Parsed<IPAddress> ParseBindAddress(string text)
    {
        string literal = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (literal.Contains(':'))
        {
            if (IPAddress.TryParse(literal, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
                return v6;
        }
        else if (IsDottedQuad(literal) && IPAddress.TryParse(literal, out IPAddress? v4))
        {
            return v4;
        }
        return Parsed<IPAddress>.Fail($"'{text}' is not an IP address (e.g. :: for all interfaces, 0.0.0.0, 127.0.0.1)");
    }

    /// <summary>A host to connect to: a DNS name or a dotted-quad IPv4 address (not an IPv6 literal;
    /// the caller handles brackets).</summary>
    public static bool IsHostName(string host)
    {
        if (host.Length == 0)
            return false;
        // Digits and dots only must be a full IPv4 address: "10.1" would otherwise mean 10.0.0.1.
        bool numeric = true;
        foreach (char c in host)
        {
            if (!char.IsAsciiDigit(c) && c != '.')
            {
                numeric = false;
                break;
            }
        }
        if (numeric)
            return IsDottedQuad(host);
        return Uri.CheckHostName(host) == UriHostNameType.Dns;
    }

    public static bool IsIPv6Literal(string text) =>
        IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
        && !text.Contains('[');

    /// <summary>Four decimal parts of 0-255: the only IPv4 spelling accepted.</summary>
    public static bool IsDottedQuad(string text)
    {
        int parts = 0;
        foreach (Range range in text.AsSpan().Split('.'))
        {
            ReadOnlySpan<char> part = text.AsSpan()[range];
            if (part.Length is 0 or > 3 || !NumberSyntax.AllAsciiDigits(part) || int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) > 255)
                return false;
            parts++;
        }
        return parts == 4;
    }
}
