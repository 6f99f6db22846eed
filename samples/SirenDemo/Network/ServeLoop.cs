using System.Collections.Concurrent;
using System.Net.Sockets;
using Websocketfy.SirenDemo.Engine;
using Websocketfy.SirenDemo.Faults;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.SirenDemo.Network;

/// <summary>
/// SiREN's event loop: ONE thread accepts, reads and answers every connection, one command at a
/// time, with blocking writes. While it answers one client (or waits for that client to drain a
/// large reply) no other client is accepted, read or answered, just like the real server.
/// </summary>
internal sealed class ServeLoop
{
    // The read size SiREN's transcripts were taken with; one read is one command.
    private const int ReadSize = 65536;

    private static readonly TimeSpan GracefulStop = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<Socket, PeerConnection> _connections = [];
    private readonly Lock _connectionsLock = new();
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _readBuffer = new byte[ReadSize];
    private readonly CommandDispatcher _dispatcher;
    private readonly SirenPeerOptions _options;
    private readonly Func<SirenFault> _fault;
    private readonly PeerStatistics _statistics;
    private readonly SemaphoreSlim _heldReplies;
    private readonly Thread _thread;
    private Socket? _listener;

    public ServeLoop(Socket? listener, CommandDispatcher dispatcher, SirenPeerOptions options, Func<SirenFault> fault, PeerStatistics statistics,
                     SemaphoreSlim heldReplies)
    {
        _heldReplies = heldReplies;
        _listener = listener;
        _dispatcher = dispatcher;
        _options = options;
        _fault = fault;
        _statistics = statistics;
        _thread = new Thread(Run) { IsBackground = true, Name = "siren-peer" };
    }

    public void Start() => _thread.Start();

    /// <summary>Runs <paramref name="action"/> on the serving thread, between two commands.</summary>
    public Task Post(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _posted.Enqueue(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                done.SetException(ex);
            }
        });

        if (_exited.Task.IsCompleted)
        {
            // Nobody is left to run it; with every socket closed it has nothing to act on.
            RunPosted();
        }
        else
        {
            _wake.Signal();
        }

        return done.Task;
    }

    /// <summary>Closes the listening socket; open connections stay served.</summary>
    public Task StopListening() => Post(CloseListener);

    /// <summary>Writes <paramref name="bytes"/> to every open connection, as if SiREN spoke unasked.</summary>
    public Task WriteToAll(byte[] bytes) => Post(() =>
    {
        foreach (PeerConnection connection in OpenConnections())
        {
            Guarded(connection, () => connection.Sink.Send(bytes));
        }
    });

    /// <summary>Stops serving and closes every socket.</summary>
    public async Task StopAsync()
    {
        _stopping.Cancel();
        _wake.Signal();
        if (await Task.WhenAny(_exited.Task, Task.Delay(GracefulStop)).ConfigureAwait(false) != _exited.Task)
        {
            // The thread is stuck in a blocking write to a client that does not read: closing
            // the sockets under it is the only way out.
            foreach (PeerConnection connection in OpenConnections())
            {
                connection.Socket.Dispose();
            }
        }

        await _exited.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        var readable = new List<Socket>();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                RunPosted();
                readable.Clear();
                readable.Add(_wake.Socket);
                if (_listener is not null)
                {
                    readable.Add(_listener);
                }

                readable.AddRange(OpenSockets());
                Socket.Select(readable, null, null, -1);
                foreach (Socket socket in readable)
                {
                    if (_stopping.IsCancellationRequested)
                    {
                        break;
                    }

                    Serve(socket);
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
        {
            // A socket was closed under Select by StopAsync.
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Not expected: say so, rather than leave a peer that silently stopped answering.
            Log($"serving thread failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Shutdown();
        }
    }

    private void Serve(Socket socket)
    {
        if (socket == _wake.Socket)
        {
            _wake.Drain();
        }
        else if (socket == _listener)
        {
            Accept(socket);
        }
        else if (Find(socket) is PeerConnection connection)
        {
            ReadCommand(connection);
        }
    }

    private void Accept(Socket listener)
    {
        Socket socket;
        try
        {
            socket = listener.Accept();
        }
        catch (SocketException ex)
        {
            // The client gave up between the readiness report and the accept.
            Log($"accept failed ({ex.SocketErrorCode})");
            return;
        }

        var connection = new PeerConnection(_statistics.ConnectionOpened(), socket);
        lock (_connectionsLock)
        {
            _connections.Add(socket, connection);
        }

        Log($"connection {connection.Id} from {connection.Remote}");
        if (FaultyReplies.Greets(_fault()))
        {
            Guarded(connection, () => connection.Sink.Send(SirenWire.Prompt));
        }
    }

    private void ReadCommand(PeerConnection connection)
    {
        int read;
        try
        {
            read = connection.Socket.Receive(_readBuffer);
        }
        catch (SocketException ex)
        {
            Close(connection, $"read failed ({ex.SocketErrorCode})");
            return;
        }

        if (read == 0)
        {
            Close(connection, "closed by client");
            return;
        }

        byte[] chunk = _readBuffer.AsSpan(0, read).ToArray();
        var command = new ReceivedCommand(connection.Id, chunk);
        _statistics.CommandReceived(command);
        Log($"connection {connection.Id} command {LogText.Escape(command.Text)}");
        Answer(connection, chunk);
    }

    private void Answer(PeerConnection connection, byte[] chunk)
    {
        SirenFault fault = _fault();
        if (!FaultyReplies.Answers(fault))
        {
            return;
        }

        SirenReply reply = _dispatcher.Answer(chunk);
        if (reply.CloseConnection)
        {
            Close(connection, "QUIT");
            return;
        }

        bool closeAfter = false;
        Guarded(connection, () =>
        {
            if (fault == SirenFault.None)
            {
                ReplyWriter.Write(connection.Sink, reply);
            }
            else
            {
                closeAfter = FaultyReplies.Write(fault, connection.Sink, reply, _options, _heldReplies, _stopping.Token);
            }
        });

        if (closeAfter)
        {
            Close(connection, $"fault {fault}");
        }
    }

    // A client that vanished mid-write costs its own connection, nothing more.
    private void Guarded(PeerConnection connection, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close(connection, "write failed");
        }
    }

    private void Close(PeerConnection connection, string why)
    {
        bool removed;
        lock (_connectionsLock)
        {
            removed = _connections.Remove(connection.Socket);
        }

        if (removed)
        {
            connection.Socket.Dispose();
            // Logged before it stops counting as open, so whoever waits for "no open connections" sees the line.
            Log($"connection {connection.Id} closed: {why}");
            _statistics.ConnectionClosed();
        }
    }

    private void CloseListener()
    {
        _listener?.Dispose();
        _listener = null;
    }

    private void RunPosted()
    {
        while (_posted.TryDequeue(out Action? action))
        {
            action();
        }
    }

    private void Shutdown()
    {
        CloseListener();
        foreach (PeerConnection connection in OpenConnections())
        {
            Close(connection, "server stopped");
        }

        RunPosted();
        _wake.Dispose();
        _exited.SetResult();
    }

    private PeerConnection? Find(Socket socket)
    {
        lock (_connectionsLock)
        {
            return _connections.GetValueOrDefault(socket);
        }
    }

    private PeerConnection[] OpenConnections()
    {
        lock (_connectionsLock)
        {
            return [.. _connections.Values];
        }
    }

    private Socket[] OpenSockets()
    {
        lock (_connectionsLock)
        {
            return [.. _connections.Keys];
        }
    }

    private void Log(string line) => _options.Log?.Invoke(line);
}
