using System.Net.Sockets;

namespace Websocketfy.SirenDemo.Network;

/// <summary>
/// A blocking write of all bytes, on the one serving thread: while a client's receive window is
/// full, the whole server waits, exactly as SiREN blocks every client behind one slow reader.
/// </summary>
internal sealed class SocketSink(Socket socket) : IReplySink
{
    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = socket.Send(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }
}
