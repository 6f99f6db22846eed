using System.Net;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>A local address and port to listen on, as one value: 127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100.</summary>
internal static class EndpointSyntax
{
    private const string Example = "ADDR:PORT, e.g. 127.0.0.1:9100 or [::1]:9100";

    /// <summary>Empty text means "not set" (null): the setting is off.</summary>
    public static Parsed<IPEndPoint?> ParseOptionalListenEndpoint(string text)
    {
        if (text.Length == 0)
            return (IPEndPoint?)null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            return Parsed<IPEndPoint?>.Fail($"'{text}' is not an address and port ({Example})");
        string address = text[..colon];
        // An IPv6 address must be bracketed, or its last group would be read as the port.
        if (address.Contains(':') && !(address.StartsWith('[') && address.EndsWith(']')))
            return Parsed<IPEndPoint?>.Fail($"'{text}': put an IPv6 address in brackets ({Example})");
        Parsed<IPAddress> ip = AddressSyntax.ParseBindAddress(address);
        if (!ip.Succeeded)
            return Parsed<IPEndPoint?>.Fail($"'{text}': {ip.Problem}");
        Parsed<int> port = PortSyntax.ParseListenPort(text[(colon + 1)..]);
        if (!port.Succeeded)
            return Parsed<IPEndPoint?>.Fail($"'{text}': {port.Problem}");
        return new IPEndPoint(ip.Value, port.Value);
    }

    /// <summary>Read back unchanged by <see cref="ParseOptionalListenEndpoint"/>; IPv6 in brackets.</summary>
    public static string Format(IPEndPoint? endpoint) => endpoint?.ToString() ?? "";
}
