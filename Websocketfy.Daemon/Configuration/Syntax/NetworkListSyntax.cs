using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Comma-separated IP addresses and CIDR networks ("127.0.0.1, 10.0.0.0/8, fd00::/8"), as the
/// trusted proxies are given. A bare address is a network of that one address (/32, /128).</summary>
internal static class NetworkListSyntax
{
    /// <summary>An empty or blank text is an empty list.</summary>
    public static Parsed<IReadOnlyList<IPNetwork>> Parse(string text) => ListSyntax.Parse(text, ParseNetwork);

    public static string Format(IReadOnlyList<IPNetwork> networks) => string.Join(", ", networks);

    public static Parsed<IPNetwork> ParseNetwork(string item)
    {
        int slash = item.IndexOf('/');
        string addressText = slash < 0 ? item : item[..slash];
        Parsed<IPAddress> address = AddressSyntax.ParseBindAddress(addressText);
        if (AddressSyntax.IsZeroPaddedQuad(addressText))
            return Parsed<IPNetwork>.Fail(AddressSyntax.ZeroPadded(item));
        if (!address.Succeeded || addressText.StartsWith('['))
            return Parsed<IPNetwork>.Fail($"'{item}' is not an IP address or a network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)");
        if (address.Value.IsIPv4MappedToIPv6)
            return Parsed<IPNetwork>.Fail($"'{item}' is an IPv4 address written as IPv6; write it as {address.Value.MapToIPv4()}");

        int maxPrefix = address.Value.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0)
        {
            string prefixText = item[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !NumberSyntax.AllAsciiDigits(prefixText)
                || (prefix = int.Parse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture)) > maxPrefix)
                return Parsed<IPNetwork>.Fail($"'{item}' has a prefix length that is not a number from 0 to {maxPrefix}");
        }

        // 10.1.2.3/8 is most likely a typo for 10.0.0.0/8 or 10.1.2.3/32: say so rather than guess.
        var network = new IPNetwork(Truncate(address.Value, prefix), prefix);
        if (!network.BaseAddress.Equals(address.Value))
            return Parsed<IPNetwork>.Fail($"'{item}' has address bits set past the /{prefix} prefix; the network is {network}");
        return network;
    }

    private static IPAddress Truncate(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }
}
