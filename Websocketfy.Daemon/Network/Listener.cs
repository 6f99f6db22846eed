using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Network;

/// <summary>The listening socket. Binding `::` is dual-stack, so IPv4 clients arrive as mapped addresses.</summary>
internal sealed class Listener : IDisposable
{
    private readonly Socket _socket;

    private Listener(Socket socket) => _socket = socket;

    /// <summary>Binds and listens; throws SocketException (AddressAlreadyInUse, AccessDenied, ...) at once,
    /// so the daemon can refuse to start with a clear message.</summary>
    public static Listener Bind(IPAddress address, int port, int backlog)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(backlog);
            return new Listener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public ValueTask<Socket> AcceptAsync(CancellationToken ct) => _socket.AcceptAsync(ct);

    public void Dispose() => _socket.Dispose();
}
