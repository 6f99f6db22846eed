using System.Net;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Protocol.Http;

/// <summary>
/// The client address an X-Forwarded-For list names, believed only as far as trusted proxies vouch for it.
/// </summary>
/// <remarks>
/// Each proxy appends the address of the peer it received the request from, so the list reads
/// "client, proxy1, proxy2" and the connection's own peer is the last proxy. Anyone can put anything at
/// the left end; only an entry appended by a trusted proxy is believed. The walk goes from the right:
/// each trusted entry passes the question on to its left, and the first untrusted entry is the client.
/// <para>An entry that is not an address (garbage, "unknown", an obfuscated identifier) ends the walk:
/// the nearest trusted hop reached so far stands for the client, as no one trusted vouched for more.
/// When every entry is a trusted proxy, the leftmost is the client. Entries may carry a port
/// ("192.0.2.7:5123", "[2001:db8::7]:5123"), which is dropped. Several header lines are read as one list
/// (RFC 9110 section 5.3); empty elements are skipped.</para>
/// </remarks>
public static class ForwardedFor
{
    public const string HeaderName = "X-Forwarded-For";

    /// <summary>The client the list names, or null when the connection's own peer stands for the client
    /// (no header, an empty list, or an unusable rightmost entry).</summary>
    /// <param name="isTrustedProxy">Whether an address belongs to a trusted proxy.</param>
    public static IPAddress? FindClient(RequestHead head, Func<IPAddress, bool> isTrustedProxy) =>
        FindClient(head.GetHeader(HeaderName), isTrustedProxy);

    /// <inheritdoc cref="FindClient(RequestHead, Func{IPAddress, bool})"/>
    public static IPAddress? FindClient(string? list, Func<IPAddress, bool> isTrustedProxy)
    {
        if (list is null) return null;
        ReadOnlySpan<char> rest = list;
        IPAddress? nearest = null;
        while (!rest.IsEmpty)
        {
            int comma = rest.LastIndexOf(',');
            ReadOnlySpan<char> element = HttpSyntax.TrimOws(comma < 0 ? rest : rest[(comma + 1)..]);
            rest = comma < 0 ? [] : rest[..comma];
            if (element.IsEmpty) continue;
            if (!TryParseNode(element, out IPAddress address)) return nearest;
            nearest = address;
            if (!isTrustedProxy(address)) return address;
        }
        return nearest;
    }

    /// <summary>"192.0.2.7", "192.0.2.7:5123", "2001:db8::7", "[2001:db8::7]" or "[2001:db8::7]:5123".</summary>
    public static bool TryParseNode(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) return false;
            ReadOnlySpan<char> after = text[(close + 1)..];
            if (!after.IsEmpty && !(after[0] == ':' && AddressText.TryParsePort(after[1..], out _))) return false;
            if (!AddressText.TryParseIPv6(text[1..close], out address)) return false;
        }
        else if (text.Count(':') > 1)
        {
            if (!AddressText.TryParseIPv6(text, out address)) return false;
        }
        else
        {
            int colon = text.IndexOf(':');
            if (colon >= 0 && !AddressText.TryParsePort(text[(colon + 1)..], out _)) return false;
            if (!AddressText.TryParseIPv4(colon < 0 ? text : text[..colon], out address)) return false;
        }
        address = AddressText.Canonical(address);
        return true;
    }
}
