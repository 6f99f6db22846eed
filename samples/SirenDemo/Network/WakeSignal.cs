using System.Net;
using System.Net.Sockets;

namespace Websocketfy.SirenDemo.Network;

/// <summary>
/// Wakes the serving thread out of <see cref="Socket.Select"/> from another thread: a loopback
/// UDP socket that sits in the select list and receives a one-byte datagram per signal.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    private readonly Socket _receiver = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _drain = new byte[64];

    public WakeSignal()
    {
        _receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiver.Blocking = false;
        _sender.Connect(_receiver.LocalEndPoint!);
    }

    /// <summary>The socket to include in the select list.</summary>
    public Socket Socket => _receiver;

    public void Signal()
    {
        try
        {
            _sender.Send([1]);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The serving thread has already gone (its socket is closed): there is nobody to wake.
        }
    }

    /// <summary>Consumes pending signals so the socket stops being readable.</summary>
    public void Drain()
    {
        while (_receiver.Available > 0)
        {
            _receiver.Receive(_drain);
        }
    }

    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }
}
