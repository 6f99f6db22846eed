using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Websocketfy.Load.Native;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Net;

/// <summary>
/// One client connection. Set-up (connect, TLS, upgrade, greeting) is blocking and may allocate;
/// after it, plain connections are driven through the raw descriptor with libc send/recv, TLS ones
/// through their SslStream.
/// </summary>
internal sealed class ClientConnection : IDisposable
{
    private readonly Socket _socket;
    private SslStream? _tls;
    private byte[] _pending = [];

    private ClientConnection(Socket socket)
    {
        _socket = socket;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
    }

    public int Fd { get; }

    public bool IsTls => _tls is not null;

    /// <summary>Bytes read past the upgrade response: the start of the first reply.</summary>
    public ReadOnlySpan<byte> TakePending()
    {
        var pending = _pending;
        _pending = [];
        return pending;
    }

    /// <param name="source">Local address to connect from (spreads many connections over several
    /// 127.0.0.x so that ephemeral ports do not run out); null lets the kernel choose.</param>
    public static ClientConnection Connect(IPEndPoint target, IPAddress? source = null)
    {
        // The receive timeout bounds every blocking read (recv fails with EAGAIN): a server that stops
        // answering fails the measurement instead of hanging it.
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30_000 };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            socket.Connect(target);
            return new ClientConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>TLS client handshake; the server's (self-signed, loopback) certificate is not checked.</summary>
    public void StartTls()
    {
        _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        _tls.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
    }

    /// <summary>The RFC 6455 opening handshake; throws unless the answer is 101 with the right accept key
    /// (and the <paramref name="subprotocol"/> offered, when one is).</summary>
    public void Upgrade(string host, string? subprotocol = null)
    {
        var (request, expectedAccept) = Handshake.Request(host, subprotocol);
        SendAll(request);
        var buffer = new byte[8192];
        int filled = 0;
        while (true)
        {
            int n = Receive(buffer.AsSpan(filled));
            if (n <= 0) throw new IOException("connection closed during the WebSocket upgrade");
            filled += n;
            int headLength = Handshake.HeadLength(buffer.AsSpan(0, filled));
            if (headLength < 0)
            {
                if (filled == buffer.Length) throw new IOException("upgrade response head too large");
                continue;
            }
            Handshake.CheckResponse(buffer.AsSpan(0, headLength), expectedAccept, subprotocol);
            _pending = buffer.AsSpan(headLength, filled - headLength).ToArray();
            return;
        }
    }

    /// <summary>Reads one reply with no request (a greeting), blocking.</summary>
    public void ReadReply(IReplyReader reader, bool quickAck)
    {
        reader.Reset();
        ReadOnlySpan<byte> pending = TakePending();
        if (pending.Length > 0)
        {
            int used = reader.Feed(pending, out bool done);
            if (used != pending.Length) throw new IOException("bytes after the greeting");
            if (done) return;
        }
        var buffer = new byte[65536];
        while (true)
        {
            if (quickAck) Libc.ArmQuickAck(Fd);
            int n = Receive(buffer);
            if (n <= 0) throw new IOException("connection closed during the greeting");
            int used = reader.Feed(buffer.AsSpan(0, n), out bool done);
            if (used != n) throw new IOException("bytes after the greeting");
            if (done) return;
        }
    }

    public void SendAll(ReadOnlySpan<byte> data)
    {
        if (_tls is not null)
        {
            _tls.Write(data);
            return;
        }
        while (!data.IsEmpty)
        {
            int n = Libc.Send(Fd, data);
            if (n < 0) throw new IOException($"send failed: errno {-n}");
            data = data[n..];
        }
    }

    /// <summary>Blocking read: bytes read, 0 at end of stream.</summary>
    public int Receive(Span<byte> buffer)
    {
        if (_tls is not null) return _tls.Read(buffer);
        int n = Libc.Receive(Fd, buffer);
        if (n == -Libc.EAGAIN) throw new IOException("no reply within 30 s");
        if (n < 0) throw new IOException($"recv failed: errno {-n}");
        return n;
    }

    /// <summary>For the epoll driver: reads and writes then return EAGAIN instead of waiting.</summary>
    public void MakeNonBlocking()
    {
        if (_tls is not null) throw new InvalidOperationException("TLS connections are driven blocking");
        _socket.Blocking = false;
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}
