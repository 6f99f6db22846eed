namespace Websocketfy.Daemon.Backend;

/// <summary>How one command's trip to SiREN ended.</summary>
internal enum RelayOutcome
{
    /// <summary>The prompt arrived; the connection is clean and can be reused.</summary>
    Complete,
    /// <summary>The command could not be written: the connection was already dead.</summary>
    WriteFailed,
    /// <summary>No byte arrived for siren-timeout after the command (or since the last byte).</summary>
    Silent,
    /// <summary>SiREN closed the connection before the prompt.</summary>
    ClosedEarly,
    /// <summary>The reply passed max-reply-size.</summary>
    TooLarge,
    /// <summary>The client went away (or the daemon is stopping) mid-reply.</summary>
    Cancelled,
}
