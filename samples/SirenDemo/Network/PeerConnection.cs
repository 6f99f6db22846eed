using System.Net.Sockets;

namespace Websocketfy.SirenDemo.Network;

/// <summary>One accepted client socket of the peer.</summary>
internal sealed class PeerConnection(int id, Socket socket)
{
    public int Id { get; } = id;

    public Socket Socket { get; } = socket;

    public IReplySink Sink { get; } = new SocketSink(socket);

    public string Remote { get; } = socket.RemoteEndPoint?.ToString() ?? "?";
}
