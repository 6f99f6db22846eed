namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// Every live session, for the two things that concern them all: one timer that drives keepalive
/// and idle timeouts (one timer for the daemon instead of one per connection), and shutdown.
/// </summary>
internal sealed class SessionRegistry : IDisposable
{
    private readonly HashSet<Session> _sessions = [];
    private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(1));
    private readonly Task _ticking;
    private TaskCompletionSource _empty = NewEmptySignal(completed: true);

    public SessionRegistry() => _ticking = TickAsync();

    public int Count { get { lock (_sessions) return _sessions.Count; } }

    public void Add(Session session)
    {
        lock (_sessions)
        {
            if (_sessions.Count == 0) _empty = NewEmptySignal(completed: false);
            _sessions.Add(session);
        }
    }

    public void Remove(Session session)
    {
        TaskCompletionSource? nowEmpty = null;
        lock (_sessions)
        {
            if (_sessions.Remove(session) && _sessions.Count == 0) nowEmpty = _empty;
        }
        nowEmpty?.TrySetResult();
    }

    /// <summary>Completes when no session is left.</summary>
    public Task WhenEmpty() { lock (_sessions) return _empty.Task; }

    public void BeginDrain() { foreach (var session in Snapshot()) session.BeginDrain(); }

    public void ForceCloseAll() { foreach (var session in Snapshot()) session.ForceClose(); }

    /// <summary>After the tokens file or the JWT keys were reloaded: every open connection's credential is checked again.</summary>
    public Task RecheckCredentialsAsync(Auth.AccessControl access) =>
        Task.WhenAll(Snapshot().Select(session => session.RecheckCredentialAsync(access)));

    private Session[] Snapshot() { lock (_sessions) return [.. _sessions]; }

    private async Task TickAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
            {
                long now = Environment.TickCount64;
                foreach (var session in Snapshot()) session.OnTick(now);
            }
        }
        catch (ObjectDisposedException) { }
    }

    private static TaskCompletionSource NewEmptySignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) signal.SetResult();
        return signal;
    }

    public void Dispose() => _timer.Dispose();
}
