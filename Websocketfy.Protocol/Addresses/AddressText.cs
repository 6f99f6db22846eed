using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Protocol.Addresses;

/// <summary>
/// IP addresses and ports as peers write them in PROXY protocol lines and X-Forwarded-For lists.
/// Stricter than <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>, which also
/// reads "10.1" as 10.0.0.1 and "010.0.0.1" as octal: a header that identifies a client must
/// mean exactly one address.
/// </summary>
public static class AddressText
{
    /// <summary>Four decimal numbers 0-255 separated by single dots, without leading zeros
    /// (the PROXY protocol forbids them so they cannot be read as octal).</summary>
    public static bool TryParseIPv4(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> bytes = stackalloc byte[4];
        int part = 0;
        int value = 0, digits = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0 || part == 4) return false;
                bytes[part++] = (byte)value;
                value = 0;
                digits = 0;
                continue;
            }
            char c = text[i];
            if (!char.IsAsciiDigit(c)) return false;
            if (digits == 1 && value == 0) return false; // a leading zero
            value = value * 10 + (c - '0');
            if (++digits > 3 || value > 255) return false;
        }
        if (part != 4) return false;
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>An IPv6 address in the usual text forms (hex groups, one "::", a trailing dotted quad),
    /// without brackets, zone ("%eth0") or anything else.</summary>
    public static bool TryParseIPv6(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length is < 2 or > 45 || !text.Contains(':')) return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c != ':' && c != '.') return false;
        }
        if (!IPAddress.TryParse(text, out IPAddress? parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        address = parsed;
        return true;
    }

    /// <summary>A TCP port: 0-65535 in decimal, no leading zeros, no sign.</summary>
    public static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || (text.Length > 1 && text[0] == '0')) return false;
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    /// <summary>An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d; everything that compares,
    /// counts or logs addresses uses the plain IPv4 form.</summary>
    public static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
