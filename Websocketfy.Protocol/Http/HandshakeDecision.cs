namespace Websocketfy.Protocol.Http;

public enum HandshakeOutcome
{
    /// <summary>A valid RFC 6455 upgrade: answer with <see cref="HttpResponses.SwitchingProtocols"/>.</summary>
    Upgrade,
    /// <summary>A plain HTTP request without Upgrade: the caller may serve it (operator endpoints).</summary>
    PlainHttp,
    /// <summary>Refused: answer with <see cref="HttpResponses.Error"/> using StatusCode and Reason, then close.</summary>
    Reject,
}

/// <param name="StatusCode">101 for Upgrade, the 4xx for Reject, 0 for PlainHttp.</param>
/// <param name="Reason">For Reject: the short text body; for others: empty.</param>
public readonly record struct HandshakeDecision(
    HandshakeOutcome Outcome, int StatusCode, string Reason, string? AcceptKey, string? Subprotocol);
