namespace Websocketfy.Daemon.Ops;

/// <summary>Where the daemon is in its life: since when it runs, and whether it drains (SIGTERM received:
/// commands in flight finish, new clients are turned away with 503, /healthz answers 503).</summary>
internal sealed class Lifecycle
{
    private readonly long _startedAt = Environment.TickCount64;
    private volatile bool _draining;

    public TimeSpan Uptime => TimeSpan.FromMilliseconds(Environment.TickCount64 - _startedAt);

    public bool IsDraining => _draining;

    public void BeginDraining()
    {
        _draining = true;
        // Pairs with the barrier a session passes after it upgrades: either the drain sees the session
        // open, or the session sees the drain (see Session.RunAsync).
        Interlocked.MemoryBarrier();
    }
}
