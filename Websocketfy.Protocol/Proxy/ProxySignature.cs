namespace Websocketfy.Protocol.Proxy;

/// <summary>The bytes that open a PROXY protocol header (proxy-protocol.txt sections 2.1 and 2.2).</summary>
public static class ProxySignature
{
    /// <summary>Version 1: the text "PROXY" and exactly one space.</summary>
    public static ReadOnlySpan<byte> Version1 => "PROXY "u8;

    /// <summary>Version 2: twelve bytes chosen to be rejected by common protocols, HTTP included.</summary>
    public static ReadOnlySpan<byte> Version2 => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Whether the first bytes of a connection are a PROXY protocol header, as far as they go:
    /// used to tell a proxy that was not trusted from a malformed HTTP request. A v2 header is recognised
    /// from its first five bytes (CR LF CR LF NUL, which no HTTP request begins with); a v1 header from
    /// "PROXY " (no HTTP method is called PROXY).</summary>
    public static bool StartsHeader(ReadOnlySpan<byte> firstBytes)
    {
        if (firstBytes.StartsWith(Version1)) return true;
        int checkedLength = Math.Min(firstBytes.Length, Version2.Length);
        return checkedLength >= 5 && firstBytes[..checkedLength].SequenceEqual(Version2[..checkedLength]);
    }
}
