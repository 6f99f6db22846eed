namespace Websocketfy.Daemon.Backend;

internal enum SirenState
{
    /// <summary>Nothing learned yet: only until the start-up check ends (at most siren-connect-timeout), or the
    /// check of a new address after a reload.</summary>
    Unknown,
    /// <summary>The last thing learned was good: a greeting, a complete reply, or an idle pooled connection still open.</summary>
    Up,
    /// <summary>The last thing learned was bad: no connection or greeting, a silent reply, or a connection closed mid-reply.</summary>
    Down,
}

/// <param name="LastError">The most recent failure's text (kept after SiREN comes back, for the operator); null when there was none.</param>
internal readonly record struct SirenStatus(SirenState State, string? LastError);

/// <summary>
/// Whether SiREN answers, judged from what the pool and the relay observe (every connection attempt and
/// every reply) and from the pool's periodic check when there is no traffic. The last observation wins.
/// </summary>
internal sealed class SirenHealth
{
    private readonly object _gate = new();
    private volatile SirenState _state = SirenState.Unknown;
    private string? _lastError;
    private long _lastObservedAt = Environment.TickCount64;

    /// <summary>Raised on every change of state, in order, under the lock: handlers must be quick (a log line, a datagram).</summary>
    public event Action<SirenStatus>? Changed;

    public SirenStatus Status { get { lock (_gate) return new SirenStatus(_state, _lastError); } }

    public SirenState State => _state;

    /// <summary>Time since SiREN was last observed, well or failing.</summary>
    public TimeSpan SinceLastObservation => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastObservedAt));

    /// <summary>SiREN greeted or replied. The hot path (already up) takes no lock.</summary>
    public void Succeeded()
    {
        Interlocked.Exchange(ref _lastObservedAt, Environment.TickCount64);
        if (State == SirenState.Up) return;
        lock (_gate)
        {
            if (_state == SirenState.Up) return;
            _state = SirenState.Up;
            Changed?.Invoke(new SirenStatus(_state, _lastError));
        }
    }

    /// <summary>SiREN moved to another address (a reload): nothing is known about the new one yet.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _lastError = null;
            if (_state == SirenState.Unknown) return;
            _state = SirenState.Unknown;
            Changed?.Invoke(new SirenStatus(_state, _lastError));
        }
    }

    public void Failed(string error)
    {
        Interlocked.Exchange(ref _lastObservedAt, Environment.TickCount64);
        lock (_gate)
        {
            _lastError = error;
            if (_state == SirenState.Down) return;
            _state = SirenState.Down;
            Changed?.Invoke(new SirenStatus(_state, _lastError));
        }
    }
}
