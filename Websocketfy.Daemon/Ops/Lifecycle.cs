namespace Websocketfy.Daemon.Ops;

/// <summary>Where a daemon that was told to stop is: not yet, announcing it (drain-delay), or draining.</summary>
internal enum StopPhase
{
    /// <summary>Serving; no SIGTERM yet.</summary>
    None,
    /// <summary>SIGTERM received, drain-delay running: /healthz answers 503 "draining" while everything is
    /// served as usual, new clients included, so a load balancer moves them elsewhere first.</summary>
    Announced,
    /// <summary>The drain proper: commands in flight finish, then 1001; new clients are turned away with 503.</summary>
    Draining,
}

/// <summary>Where the daemon is in its life: since when it runs, and how far a stop has come
/// (<see cref="StopPhase"/>). Without drain-delay the stop goes straight to draining.</summary>
internal sealed class Lifecycle
{
    private readonly long _startedAt = Environment.TickCount64;
    private volatile StopPhase _phase;

    public TimeSpan Uptime => TimeSpan.FromMilliseconds(Environment.TickCount64 - _startedAt);

    public StopPhase Phase => _phase;

    /// <summary>SIGTERM received: what /healthz reports (503 "draining") from the first moment.</summary>
    public bool IsStopping => _phase != StopPhase.None;

    /// <summary>The drain proper: what sessions act on.</summary>
    public bool IsDraining => _phase == StopPhase.Draining;

    public void AnnounceStop()
    {
        if (_phase == StopPhase.None) _phase = StopPhase.Announced;
    }

    public void BeginDraining()
    {
        _phase = StopPhase.Draining;
        // Pairs with the barrier a session passes after it upgrades: either the drain sees the session
        // open, or the session sees the drain (see Session.RunAsync).
        Interlocked.MemoryBarrier();
    }
}
