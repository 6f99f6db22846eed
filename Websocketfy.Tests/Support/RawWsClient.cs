using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>One frame as the server sent it.</summary>
public sealed record RawFrame(bool Fin, int Opcode, byte[] Payload)
{
    public ushort CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : (ushort)0;
    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>
/// A byte-level WebSocket client over a plain socket, for what a well-behaved client library cannot
/// do: protocol violations, exact frame layouts, reading the server's frames one by one.
/// </summary>
public sealed class RawWsClient : IDisposable
{
    private readonly Socket _socket;
    private Stream? _tls;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start, _end;

    private RawWsClient(Socket socket) => _socket = socket;

    public Socket Socket => _socket;

    /// <summary>The upgrade request of a well-behaved client; extra header lines (each ending in CRLF) go before the blank line.</summary>
    public static byte[] UpgradeRequest(string extraHeaders = "") => Encoding.ASCII.GetBytes(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n");

    /// <param name="from">The local address to connect from: any of 127.0.0.0/8 is this machine, so tests can
    /// play several clients (127.0.0.2, 127.0.0.3, ...) that the daemon tells apart by address.</param>
    public static async Task<RawWsClient> ConnectAsync(int port, bool upgrade = true, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null) socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var client = new RawWsClient(socket);
        if (upgrade)
        {
            await client.SendRawAsync(UpgradeRequest());
            string head = await client.ReadHttpHeadAsync();
            if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal)) throw new IOException("no upgrade: " + head);
        }
        return client;
    }

    /// <summary>Connects from <paramref name="from"/> and speaks TLS (any server certificate accepted: test
    /// certificates are self-signed), then upgrades like <see cref="ConnectAsync"/>.</summary>
    /// <param name="beforeTls">Bytes sent in the clear before the TLS handshake (a PROXY protocol header).</param>
    public static async Task<RawWsClient> ConnectTlsAsync(int port, IPAddress from, byte[]? beforeTls = null)
    {
        var client = await ConnectAsync(port, upgrade: false, from: from);
        if (beforeTls is not null) await client.SendRawAsync(beforeTls);
        var tls = new System.Net.Security.SslStream(new NetworkStream(client._socket, ownsSocket: false), leaveInnerStreamOpen: false,
                                                    (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        client._tls = tls;
        await client.SendRawAsync(UpgradeRequest());
        string head = await client.ReadHttpHeadAsync();
        if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal)) throw new IOException("no upgrade: " + head);
        return client;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        if (_tls is not null)
        {
            await _tls.WriteAsync(bytes);
            return;
        }
        int sent = 0;
        while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) =>
        _tls is not null ? _tls.ReadAsync(buffer, ct) : _socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    /// <summary>Builds a client frame (masked unless told otherwise).</summary>
    public static byte[] Frame(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        byte maskBit = (byte)(mask ? 0x80 : 0);
        if (payload.Length <= 125) frame.Add((byte)(maskBit | payload.Length));
        else if (payload.Length <= ushort.MaxValue) { frame.Add((byte)(maskBit | 126)); frame.Add((byte)(payload.Length >> 8)); frame.Add((byte)payload.Length); }
        else { frame.Add((byte)(maskBit | 127)); for (int i = 7; i >= 0; i--) frame.Add((byte)((long)payload.Length >> (8 * i))); }
        byte[] key = [0x12, 0x34, 0x56, 0x78];
        if (mask) frame.AddRange(key);
        for (int i = 0; i < payload.Length; i++) frame.Add(mask ? (byte)(payload[i] ^ key[i % 4]) : payload[i]);
        return [.. frame];
    }

    public Task SendFrameAsync(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0) =>
        SendRawAsync(Frame(opcode, payload, fin, mask, rsv));

    public Task SendTextAsync(string text) => SendFrameAsync(0x1, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads the next server frame; null when the server closed TCP.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        if (!await FillAsync(2, cts.Token)) return null;
        byte b0 = _buffer[_start], b1 = _buffer[_start + 1];
        if ((b1 & 0x80) != 0) throw new IOException("server frame is masked");
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) { if (!await FillAsync(4, cts.Token)) return null; length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2)); header = 4; }
        else if (length == 127) { if (!await FillAsync(10, cts.Token)) return null; length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2)); header = 10; }
        var payload = new MemoryStream();
        _start += header;
        long remaining = length;
        while (remaining > 0)
        {
            if (_start == _end && !await FillAsync(1, cts.Token)) return null;
            int take = (int)Math.Min(remaining, _end - _start);
            payload.Write(_buffer, _start, take);
            _start += take;
            remaining -= take;
        }
        return new RawFrame((b0 & 0x80) != 0, b0 & 0x0F, payload.ToArray());
    }

    /// <summary>Reads frames until a close frame (returned) or until TCP ends (null).</summary>
    public async Task<RawFrame?> ReadUntilCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(timeout);
            if (frame is null || frame.Opcode == 0x8) return frame;
        }
    }

    /// <summary>True when the server closes TCP within the timeout (reads until EOF).</summary>
    public async Task<bool> ServerClosesTcpAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int n = await ReceiveAsync(_buffer, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (SocketException) { return true; }
    }

    public async Task<string> ReadHttpHeadAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string head = Encoding.ASCII.GetString(_buffer, _start, end + 4);
                _start += end + 4;
                return head;
            }
            if (!await FillAsync(_end - _start + 1, cts.Token)) return Encoding.ASCII.GetString(_buffer, _start, _end - _start);
        }
    }

    /// <summary>Reads an HTTP answer whole (head and body) until the server closes.</summary>
    public async Task<string> ReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await FillAsync(_end - _start + 1, cts.Token)) { }
        return Encoding.UTF8.GetString(_buffer, _start, _end - _start);
    }

    private async Task<bool> FillAsync(int needed, CancellationToken ct)
    {
        if (_end - _start >= needed) return true;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end < needed)
        {
            int n;
            try { n = await ReceiveAsync(_buffer.AsMemory(_end), ct); }
            catch (SocketException) { return false; }
            catch (IOException) { return false; }
            if (n == 0) return false;
            _end += n;
        }
        return true;
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }
}
