using Websocketfy.Daemon.Auth;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>What a v2 connection asks of the session it runs in: the session keeps the handshake,
/// receiving, keepalive and the one teardown; the v2 side answers requests.</summary>
internal interface IV2Host
{
    /// <summary>The client's address, for logs.</summary>
    string Peer { get; }

    /// <summary>Cancelled when the connection ends (teardown, daemon stop).</summary>
    CancellationToken Lifetime { get; }

    /// <summary>Starts our close handshake (no data frame may follow).</summary>
    Task CloseAsync(ushort status, string reason);

    /// <summary>Drops the connection now (a send failed or timed out, a frame cannot be completed).</summary>
    void Abort(string reason);

    /// <summary>Whether requests are in flight: an idle-timeout only closes a connection with none.</summary>
    void SetBusy(bool busy);

    /// <summary>One more request, for the connection's closing log line.</summary>
    void CountRequest();

    /// <summary>Who the connection belongs to (anonymous admin without --auth).</summary>
    Identity Identity { get; }

    /// <summary>The client's address, for the audit trail.</summary>
    string Client { get; }

    /// <summary>Why the connection's credential no longer holds ("token expired", "credential revoked"), or null.</summary>
    string? CredentialEnded();
}
