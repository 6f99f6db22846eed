namespace Websocketfy.Daemon.Configuration;

/// <summary>The settings in force: the single source every part of the running daemon reads. A reload
/// replaces <see cref="Current"/> as a whole, so whoever reads it gets one consistent set, old or new;
/// work that must not change its mind half-way (one connection's limits, one command) reads it once.</summary>
public sealed class LiveOptions(GatewayOptions initial)
{
    private volatile GatewayOptions _current = initial;

    public GatewayOptions Current => _current;

    /// <summary>Only the gateway's reload calls this, after every participant accepted the new options.</summary>
    internal void Replace(GatewayOptions next) => _current = next;
}
