namespace Websocketfy.SirenDemo.Network;

/// <summary>Counters the serving thread updates and tests read from other threads.</summary>
internal sealed class PeerStatistics
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedCommand> _commands = [];
    private int _connectionCount;
    private int _activeConnections;

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int ActiveConnections => Volatile.Read(ref _activeConnections);

    public int CommandCount
    {
        get
        {
            lock (_lock)
            {
                return _commands.Count;
            }
        }
    }

    public IReadOnlyList<ReceivedCommand> CommandsSnapshot()
    {
        lock (_lock)
        {
            return [.. _commands];
        }
    }

    /// <returns>The new connection's id.</returns>
    public int ConnectionOpened()
    {
        Interlocked.Increment(ref _activeConnections);
        return Interlocked.Increment(ref _connectionCount);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    public void CommandReceived(ReceivedCommand command)
    {
        lock (_lock)
        {
            _commands.Add(command);
        }
    }
}
