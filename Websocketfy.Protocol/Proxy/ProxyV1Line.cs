using System.Net;
using System.Text;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Protocol.Proxy;

/// <summary>
/// Reads one complete PROXY protocol version 1 line (proxy-protocol.txt section 2.1):
/// "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "PROXY TCP6 ...", or "PROXY UNKNOWN...\r\n".
/// Fields are separated by exactly one space; addresses are in canonical form and match the family;
/// ports are 0-65535 without leading zeros; the line ends with CRLF and holds no other CR.
/// Anything after "UNKNOWN" is ignored, as the specification requires.
/// </summary>
internal static class ProxyV1Line
{
    /// <param name="line">The whole line, "PROXY" to the LF included (at most 107 bytes).</param>
    public static ProxyHeader? Parse(ReadOnlySpan<byte> line, out string? problem)
    {
        problem = null;
        if (line.Length < 2 || line[^2] != (byte)'\r' || line[^1] != (byte)'\n')
            return Fail("the v1 line does not end with CRLF", out problem);
        ReadOnlySpan<byte> content = line[..^2];
        if (content.Contains((byte)'\r'))
            return Fail("the v1 line holds a CR before its end", out problem);
        if (!content.StartsWith(ProxySignature.Version1))
            return Fail("the v1 line does not start with \"PROXY \"", out problem);
        if (!Ascii.IsValid(content))
            return Fail("the v1 line holds non-ASCII bytes", out problem);

        Span<char> text = stackalloc char[content.Length];
        Encoding.ASCII.GetChars(content, text);
        ReadOnlySpan<char> rest = text[ProxySignature.Version1.Length..];

        if (rest.SequenceEqual("UNKNOWN") || rest.StartsWith("UNKNOWN "))
            return new ProxyHeader(1, "UNKNOWN", null, null, line.Length);

        Span<Range> fields = stackalloc Range[6];
        int count = rest.Split(fields, ' ');
        if (count != 5)
            return Fail(count > 0 && rest[fields[0]] is "TCP4" or "TCP6"
                ? "the v1 line does not have exactly five fields after \"PROXY\""
                : "the v1 protocol is not TCP4, TCP6 or UNKNOWN", out problem);

        ReadOnlySpan<char> protocol = rest[fields[0]];
        bool v4 = protocol.SequenceEqual("TCP4");
        if (!v4 && !protocol.SequenceEqual("TCP6"))
            return Fail("the v1 protocol is not TCP4, TCP6 or UNKNOWN", out problem);

        if (!TryAddress(rest[fields[1]], v4, out IPAddress source) || !TryAddress(rest[fields[2]], v4, out IPAddress destination))
            return Fail(v4 ? "a v1 TCP4 address is not a canonical IPv4 address" : "a v1 TCP6 address is not an IPv6 address", out problem);
        if (!AddressText.TryParsePort(rest[fields[3]], out int sourcePort) || !AddressText.TryParsePort(rest[fields[4]], out int destinationPort))
            return Fail("a v1 port is not a number from 0 to 65535 without leading zeros", out problem);

        return new ProxyHeader(1, v4 ? "TCP4" : "TCP6",
                               new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), line.Length);
    }

    private static bool TryAddress(ReadOnlySpan<char> text, bool v4, out IPAddress address) =>
        v4 ? AddressText.TryParseIPv4(text, out address) : AddressText.TryParseIPv6(text, out address);

    private static ProxyHeader? Fail(string reason, out string? problem)
    {
        problem = reason;
        return null;
    }
}
