using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Tests.Protocol.Interop;

/// <summary>How one echo connection ended, as the server saw it.</summary>
/// <param name="ClientCloseStatus">The status in the client's close frame (null: none, or no close frame).</param>
/// <param name="ClientCloseReason">The reason in the client's close frame.</param>
/// <param name="ServerClosedFirst">The server sent its close frame before the client's arrived.</param>
/// <param name="Failure">Why the connection did not end with a closing handshake; null when it did.</param>
internal sealed record EchoOutcome(ushort? ClientCloseStatus, string ClientCloseReason, bool ServerClosedFirst, string? Failure)
{
    public static EchoOutcome Failed(string failure) => new(null, "", false, failure);
}

/// <summary>
/// A minimal WebSocket echo server made of nothing but Websocketfy.Protocol over a loopback socket,
/// so a third-party client (.NET's ClientWebSocket) can be pointed at the library itself.
/// Each data message comes back with its opcode; <see cref="CloseRequest"/> makes the server start
/// the closing handshake instead.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    /// <summary>The text message that asks the server to close the connection itself (status 1000).</summary>
    public const string CloseRequest = "close-me";

    /// <summary>The reason in the server's own close frame.</summary>
    public const string ServerCloseReason = "server closes";

    /// <summary>Nothing in a test runs this long; a connection that does is cut so no test hangs.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(30);

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<EchoOutcome> _firstConnectionEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _pingsReceived;
    private int _pongsReceived;

    private EchoServer(long maxMessageSize, bool answerPings)
    {
        MaxMessageSize = maxMessageSize;
        AnswerPings = answerPings;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <param name="maxMessageSize">The receiver's limit on one client message.</param>
    /// <param name="answerPings">False leaves pings unanswered, to show that a client notices.</param>
    public static EchoServer Start(long maxMessageSize = 32L * 1024 * 1024, bool answerPings = true) =>
        new(maxMessageSize, answerPings);

    public int Port { get; }
    public long MaxMessageSize { get; }
    public bool AnswerPings { get; }
    public int PingsReceived => Volatile.Read(ref _pingsReceived);
    public int PongsReceived => Volatile.Read(ref _pongsReceived);

    /// <summary>Completes when the first connection's socket is closed, with how it ended.</summary>
    public Task<EchoOutcome> FirstConnectionEnded => _firstConnectionEnded.Task;

    internal void CountPing() => Interlocked.Increment(ref _pingsReceived);
    internal void CountPong() => Interlocked.Increment(ref _pongsReceived);

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_connections) _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        lifetime.CancelAfter(ConnectionLifetime);
        EchoOutcome outcome;
        try
        {
            outcome = await new EchoConnection(socket, this).RunAsync(lifetime.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            outcome = EchoOutcome.Failed(ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            socket.Dispose();
        }
        _firstConnectionEnded.TrySetResult(outcome);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Dispose();
        await _acceptLoop;
        Task[] connections;
        lock (_connections) connections = [.. _connections];
        await Task.WhenAll(connections);
        _stopping.Dispose();
    }
}
