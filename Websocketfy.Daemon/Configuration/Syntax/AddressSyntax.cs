using System.Net;
using System.Net.Sockets;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>IP addresses and host names as written by operators.</summary>
internal static class AddressSyntax
{
    /// <summary>An IP literal to bind to or to trust: IPv4 in dotted-quad form, or IPv6 with or without brackets.
    /// IPAddress.TryParse alone would also take "8080" (as 0.0.31.144), a likely mix-up with the port, and read
    /// "010.0.0.1" as octal (8.0.0.1): a trusted-proxies entry must mean the network the operator wrote.</summary>
    public static Parsed<IPAddress> ParseBindAddress(string text)
    {
        string literal = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (literal.Contains(':'))
        {
            if (IPAddress.TryParse(literal, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
                return v6;
        }
        else if (AddressText.TryParseIPv4(literal, out IPAddress v4))
        {
            return v4;
        }
        else if (IsZeroPaddedQuad(literal))
        {
            return Parsed<IPAddress>.Fail(ZeroPadded(text));
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
            return AddressText.TryParseIPv4(host, out _);
        return Uri.CheckHostName(host) == UriHostNameType.Dns;
    }

    public static bool IsIPv6Literal(string text) =>
        IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
        && !text.Contains('[');

    public static string ZeroPadded(string text) =>
        $"'{text}' has a part with a leading zero, which other programs read as octal; write it without (e.g. 10.0.0.1)";

    /// <summary>Four parts of one to three digits with a leading zero somewhere ("010.0.0.1"): worth its own message.</summary>
    public static bool IsZeroPaddedQuad(string text)
    {
        string[] parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && NumberSyntax.AllAsciiDigits(p))
            && parts.Any(p => p.Length > 1 && p[0] == '0');
    }
}
