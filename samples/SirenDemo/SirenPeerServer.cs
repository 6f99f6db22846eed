using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Websocketfy.SirenDemo.Engine;
using Websocketfy.SirenDemo.Network;

namespace Websocketfy.SirenDemo;

/// <summary>
/// A SiREN-protocol server over SQLite that answers byte for byte like SiREN (PROTOCOL.md §2):
/// the demo backend, and the SiREN peer of the integration tests. One thread serves all
/// connections; see <see cref="SirenFault"/> for the misbehaviours it can put on.
/// </summary>
public sealed class SirenPeerServer : IAsyncDisposable
{
    private readonly PeerStatistics _statistics = new();
    private readonly SemaphoreSlim _heldReplies = new(0);
    private SqliteConnection? _database;
    private CommandDispatcher? _dispatcher;
    private ServeLoop? _loop;
    private volatile SirenFault _fault;
    private bool _disposed;

    public SirenPeerServer(SirenPeerOptions? options = null)
    {
        Options = options ?? new SirenPeerOptions();
        _fault = Options.Fault;
        DatabaseConnectionString = (Options.DatabasePath is string path
            ? new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }
            : new SqliteConnectionStringBuilder
            {
                DataSource = $"siren-peer-{Guid.NewGuid():N}",
                Mode = SqliteOpenMode.Memory,
                Cache = SqliteCacheMode.Shared,
            }).ToString();
    }

    public SirenPeerOptions Options { get; }

    /// <summary>The port listened on (also under <see cref="SirenFault.RefuseConnections"/>, where it refuses); 0 before the first start.</summary>
    public int Port { get; private set; }

    /// <summary>Where to connect.</summary>
    public IPEndPoint EndPoint => new(Options.BindAddress, Port);

    /// <summary>Whether the server is serving (between <see cref="Start"/> and <see cref="StopAsync"/>).</summary>
    public bool IsRunning => _loop is not null;

    /// <summary>
    /// The SQLite connection string of the served database; a test may open its own connection
    /// with it to look at the data (the in-memory database is shared-cache for that reason).
    /// </summary>
    public string DatabaseConnectionString { get; }

    /// <summary>
    /// The current misbehaviour. Changes apply from the next connection or command; switching to
    /// <see cref="SirenFault.RefuseConnections"/> closes the listener (a restart listens again).
    /// </summary>
    public SirenFault Fault
    {
        get => _fault;
        set
        {
            _fault = value;
            if (value == SirenFault.RefuseConnections)
            {
                _ = _loop?.StopListening();
            }
        }
    }

    /// <summary>Connections accepted since the server was created (restarts included).</summary>
    public int ConnectionCount => _statistics.ConnectionCount;

    /// <summary>Connections open right now.</summary>
    public int ActiveConnections => _statistics.ActiveConnections;

    /// <summary>Chunks read so far (each one is one command to SiREN).</summary>
    public int CommandCount => _statistics.CommandCount;

    /// <summary>A snapshot of every chunk read so far, in order, QUIT and blank ones included.</summary>
    public IReadOnlyList<ReceivedCommand> CommandsReceived => _statistics.CommandsSnapshot();

    /// <summary>Binds, listens and starts serving; returns at once.</summary>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException("The SiREN peer is already running.");
        }

        _dispatcher ??= new CommandDispatcher(new SqliteStatementRunner(OpenDatabase().Handle!));

        // A restart comes back on the port the first start got.
        Socket? listener = Listen(Port != 0 ? Port : Options.Port);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        if (_fault == SirenFault.RefuseConnections)
        {
            listener.Dispose();
            listener = null;
        }

        _loop = new ServeLoop(listener, _dispatcher, Options, () => _fault, _statistics, _heldReplies);
        _loop.Start();
    }

    /// <summary>Stops serving: the listener and every connection are closed (clients see EOF).</summary>
    public async Task StopAsync()
    {
        ServeLoop? loop = _loop;
        _loop = null;
        if (loop is not null)
        {
            await loop.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops and starts again on the same port, like a SiREN restart: open connections are
    /// dropped, the data is kept (the database stays open).
    /// </summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Start();
    }

    /// <summary>Closes the listener so new connections are refused; open connections stay served.</summary>
    public Task StopListeningAsync() => _loop?.StopListening() ?? Task.CompletedTask;

    /// <summary>
    /// Writes <paramref name="bytes"/> on every open connection, between commands, as if SiREN
    /// had sent them unasked (for tests of out-of-step detection).
    /// </summary>
    public Task InjectUnsolicitedAsync(byte[] bytes) => _loop?.WriteToAll(bytes) ?? Task.CompletedTask;

    /// <summary>Lets a reply held under <see cref="SirenFault.HoldMidReply"/> go on (one reply per call; a call
    /// before the hold lets the next held reply through at once).</summary>
    public void ReleaseHeldReply() => _heldReplies.Release();

    /// <summary>Waits until at least <paramref name="count"/> chunks have been read.</summary>
    /// <exception cref="TimeoutException">They did not arrive within <paramref name="timeout"/>.</exception>
    public Task WaitForCommandsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => CommandCount >= count, timeout, $"{count} command(s)");

    /// <summary>Waits until exactly <paramref name="count"/> connections are open.</summary>
    /// <exception cref="TimeoutException">That did not happen within <paramref name="timeout"/>.</exception>
    public Task WaitForActiveConnectionsAsync(int count, TimeSpan timeout) =>
        WaitUntilAsync(() => ActiveConnections == count, timeout, $"{count} open connection(s)");

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await StopAsync().ConfigureAwait(false);
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
            _database = null;
        }
    }

    private SqliteConnection OpenDatabase()
    {
        _database = new SqliteConnection(DatabaseConnectionString);
        _database.Open();
        if (Options.Seed)
        {
            SeedData.Apply(_database);
        }

        return _database;
    }

    private Socket Listen(int port)
    {
        var listener = new Socket(Options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Lets a restart rebind while the old connections linger in TIME_WAIT.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(Options.BindAddress, port));
            listener.Listen(128);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The SiREN peer did not see {what} within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }
}
