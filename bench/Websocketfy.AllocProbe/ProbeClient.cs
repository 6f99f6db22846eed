using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Websocketfy.AllocProbe;

/// <summary>
/// A WebSocket client that allocates nothing per round trip: blocking socket calls on buffers made
/// once, requests framed and masked once. Its thread's own allocations are measured and subtracted
/// anyway, so that what is left is the daemon's.
/// </summary>
internal sealed class ProbeClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1024 * 1024];

    public ProbeClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _socket.Send(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        int filled = 0;
        while (_buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8) is var end && end < 0)
        {
            int n = _socket.Receive(_buffer.AsSpan(filled));
            if (n == 0) throw new IOException("closed during the upgrade");
            filled += n;
        }
        if (!_buffer.AsSpan(0, filled).StartsWith("HTTP/1.1 101"u8)) throw new IOException("upgrade refused");
    }

    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > 125) throw new ArgumentException("short frames only", nameof(payload));
        var frame = new byte[6 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        RandomNumberGenerator.Fill(frame.AsSpan(2, 4));
        for (int i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ frame[2 + (i & 3)]);
        return frame;
    }

    /// <summary>Sends <paramref name="request"/> and reads frames until a data message ends (or a pong
    /// arrives, for a ping). Returns the payload bytes of the reply.</summary>
    public int RoundTrip(byte[] request)
    {
        _socket.Send(request);
        int payload = 0;
        while (true)
        {
            ReadAtLeast(2);
            int length = _buffer[1] & 0x7F;
            int header = length == 126 ? 4 : length == 127 ? 10 : 2;
            ReadAtLeast(header);
            long size = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2))
                      : length == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(2)) : length;
            ReadAtLeast(header + (int)size);
            bool fin = (_buffer[0] & 0x80) != 0;
            int opcode = _buffer[0] & 0x0F;
            Consume(header + (int)size);
            if (opcode == 0x8) throw new IOException("the daemon closed the connection");
            if (opcode <= 0x2) payload += (int)size;
            if ((opcode <= 0x2 && fin) || opcode == 0xA) return payload;
        }
    }

    private int _filled;

    private void ReadAtLeast(int count)
    {
        while (_filled < count)
        {
            int n = _socket.Receive(_buffer.AsSpan(_filled));
            if (n == 0) throw new IOException("the daemon closed the connection");
            _filled += n;
        }
    }

    private void Consume(int count)
    {
        _buffer.AsSpan(count, _filled - count).CopyTo(_buffer);
        _filled -= count;
    }

    public void Dispose() => _socket.Dispose();
}
