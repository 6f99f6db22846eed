namespace Websocketfy.Daemon.Sessions;

/// <summary>A connection's life: handshake → open → closing → closed.</summary>
internal enum SessionState
{
    Handshake,
    Open,
    /// <summary>Our close frame is out (or the peer's came in); no more data either way.</summary>
    Closing,
    Closed,
}
