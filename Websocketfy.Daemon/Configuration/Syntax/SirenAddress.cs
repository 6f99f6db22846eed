namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Where the SiREN server listens: "host:port", "[IPv6]:port", or a host alone (default port).
/// The host is kept without brackets, ready for a socket connect.</summary>
internal readonly record struct SirenAddress(string Host, int Port)
{
    public const int DefaultPort = 3434;

    public static Parsed<SirenAddress> Parse(string text)
    {
        if (text.Length == 0)
            return Parsed<SirenAddress>.Fail("empty value (expected host:port, e.g. 127.0.0.1:3434)");
        return text[0] == '[' ? ParseBracketed(text) : ParsePlain(text);
    }

    /// <summary>The spelling <see cref="Parse"/> reads back: IPv6 literals get their brackets again.</summary>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    private static Parsed<SirenAddress> ParseBracketed(string text)
    {
        int close = text.IndexOf(']');
        if (close < 0)
            return Parsed<SirenAddress>.Fail($"'{text}' has no closing ']'");
        string host = text[1..close];
        if (!AddressSyntax.IsIPv6Literal(host))
            return Parsed<SirenAddress>.Fail($"'{text}' has no IPv6 address inside the brackets");

        string rest = text[(close + 1)..];
        if (rest.Length == 0)
            return new SirenAddress(host, DefaultPort);
        if (rest[0] != ':')
            return Parsed<SirenAddress>.Fail($"'{text}' has text after ']' that is not ':port'");
        return WithPort(text, host, rest[1..]);
    }

    private static Parsed<SirenAddress> ParsePlain(string text)
    {
        int colon = text.IndexOf(':');
        if (colon >= 0 && text.IndexOf(':', colon + 1) >= 0)
            return Parsed<SirenAddress>.Fail($"'{text}' is ambiguous: write an IPv6 address in brackets, e.g. [::1]:3434");

        string host = colon < 0 ? text : text[..colon];
        if (!AddressSyntax.IsHostName(host))
            return Parsed<SirenAddress>.Fail($"'{text}' does not start with a host name or IPv4 address");
        return colon < 0 ? new SirenAddress(host, DefaultPort) : WithPort(text, host, text[(colon + 1)..]);
    }

    private static Parsed<SirenAddress> WithPort(string text, string host, string portText)
    {
        Parsed<int> port = PortSyntax.ParseRemotePort(portText);
        return port.Succeeded
            ? new SirenAddress(host, port.Value)
            : Parsed<SirenAddress>.Fail($"'{text}' does not end with a port number (1-65535)");
    }
}
