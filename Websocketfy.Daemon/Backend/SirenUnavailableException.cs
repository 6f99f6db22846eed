namespace Websocketfy.Daemon.Backend;

/// <summary>A new SiREN connection could not be made: refused, unreachable, no greeting in time,
/// or closed before its greeting; or every pooled connection stayed busy for siren-connect-timeout
/// (<see cref="PoolSaturated"/>). The client gets the "unavailable" reply.</summary>
internal sealed class SirenUnavailableException(string detail, Exception? inner = null) : Exception(detail, inner)
{
    /// <summary>No slot freed up in time: SiREN is busy (or the pool small), not known to be down.</summary>
    public bool PoolSaturated { get; init; }
}
