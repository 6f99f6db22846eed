namespace Websocketfy.Protocol.Http;

/// <summary>What the caller accepts in a handshake.</summary>
public sealed class HandshakePolicy
{
    /// <summary>Decides an Origin header value; the argument is null when the request has no Origin.
    /// Null delegate = every origin allowed.</summary>
    public Func<string?, bool>? IsOriginAllowed { get; init; }

    /// <summary>Subprotocols the server speaks, in order of preference. Empty = none.</summary>
    public IReadOnlyList<string> SupportedSubprotocols { get; init; } = [];
}
