using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>One frame as the server sent it, held whole.</summary>
public sealed record RawFrame(bool Fin, int Opcode, byte[] Payload)
{
    public ushort CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : (ushort)0;
    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";
}

/// <summary>The head of one server frame; its payload is still to be read.</summary>
public readonly record struct RawFrameHead(bool Fin, int Opcode, long Length);

/// <summary>How a data message read by <see cref="RawWsClient.ReadMessageAsync"/> ended: its length and SHA-256
/// (and its bytes when asked to keep them), or the close frame that came instead; and how many pings the server
/// sent on the way (each was answered).</summary>
public sealed record RawMessage(int Opcode, long Length, byte[] Sha256, RawFrame? Close, byte[]? Bytes = null, int PingsAnswered = 0)
{
    public bool IsClose => Close is not null;
    public string Text => Encoding.UTF8.GetString(Bytes ?? throw new InvalidOperationException("the bytes were not kept"));
}

/// <summary>
/// A byte-level WebSocket client over a plain socket, for what a well-behaved client library cannot do:
/// protocol violations, exact frame layouts, the server's frames one by one, a socket receive buffer shrunk
/// before connecting (so a stalled reader stalls the server soon), and ending with a TCP reset.
/// Two ways to read: whole (<see cref="ReadFrameAsync"/>, <see cref="ReadSmallMessageAsync"/>) for small
/// replies, or streaming (<see cref="ReadFrameHeadAsync"/> + <see cref="ReadPayloadAsync"/>,
/// <see cref="ReadMessageAsync"/> through a hash) that never holds a payload, at a chosen pace. Its buffer is
/// small and fixed, so thousands of clients fit in one test.
/// </summary>
public sealed class RawWsClient : IDisposable
{
    public const string DefaultKey = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>How long one read waits when the caller gives no bound: generous, for a busy machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[] _buffer;
    private Stream? _tls;
    private int _start, _end;
    // Set while a read that bounds silence rather than its whole length runs: every byte received moves it on.
    private CancellationTokenSource? _silenceDeadline;
    private TimeSpan _silence;

    private RawWsClient(Socket socket, int bufferSize)
    {
        Socket = socket;
        _buffer = new byte[bufferSize];
    }

    public Socket Socket { get; }

    /// <summary>The upgrade request the tests send; <paramref name="extraHeaders"/> are whole lines ending in CRLF.</summary>
    public static byte[] UpgradeRequest(string extraHeaders = "") => Encoding.ASCII.GetBytes(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extraHeaders +
        $"Sec-WebSocket-Key: {DefaultKey}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and, when <paramref name="upgrade"/>, upgrades (throws when
    /// the answer is not 101); <paramref name="firstFrames"/> leave in the same write as the upgrade request.</summary>
    /// <param name="receiveBufferSize">The socket's receive buffer, set before connecting: the window offered in the
    /// SYN follows it and autotuning stays off, so a client that stops reading stalls the server soon.</param>
    /// <param name="bufferSize">This client's own read buffer; a frame head must fit in it, nothing more.</param>
    /// <param name="from">The local address to connect from: any of 127.0.0.0/8 is this machine, so tests can
    /// play several clients (127.0.0.2, 127.0.0.3, ...) that the daemon tells apart by address.</param>
    public static async Task<RawWsClient> ConnectAsync(int port, bool upgrade = true, int? receiveBufferSize = null,
                                                       int bufferSize = 64 * 1024, byte[]? firstFrames = null, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is int size) socket.ReceiveBufferSize = size;
        var client = new RawWsClient(socket, bufferSize);
        try
        {
            if (from is not null) socket.Bind(new IPEndPoint(from, 0));
            using (var timeout = new CancellationTokenSource(DefaultTimeout))
                await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            if (upgrade)
            {
                await client.SendRawAsync([.. UpgradeRequest(), .. firstFrames ?? []]);
                string head = await client.ReadHttpHeadAsync();
                if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal)) throw new IOException("no upgrade: " + head);
            }
            else if (firstFrames is not null)
            {
                throw new ArgumentException("first frames follow an upgrade request", nameof(firstFrames));
            }
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects from <paramref name="from"/> and speaks TLS (any server certificate accepted: test
    /// certificates are self-signed), then upgrades like <see cref="ConnectAsync"/>.</summary>
    /// <param name="beforeTls">Bytes sent in the clear before the TLS handshake (a PROXY protocol header).</param>
    public static async Task<RawWsClient> ConnectTlsAsync(int port, IPAddress from, byte[]? beforeTls = null)
    {
        var client = await ConnectAsync(port, upgrade: false, from: from);
        try
        {
            if (beforeTls is not null) await client.SendRawAsync(beforeTls);
            var tls = new System.Net.Security.SslStream(new NetworkStream(client.Socket, ownsSocket: false), leaveInnerStreamOpen: false,
                                                        (_, _, _, _) => true);
            client._tls = tls;
            using (var timeout = new CancellationTokenSource(DefaultTimeout))
                await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
            await client.SendRawAsync(UpgradeRequest());
            string head = await client.ReadHttpHeadAsync();
            if (!head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal)) throw new IOException("no upgrade: " + head);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

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

    /// <summary>True when something could be read now without waiting: buffered bytes, new bytes, or the end of TCP.</summary>
    public bool HasInputOrEnded => _end > _start || Socket.Poll(0, SelectMode.SelectRead);

    public async Task SendRawAsync(byte[] bytes)
    {
        if (_tls is not null)
        {
            await _tls.WriteAsync(bytes);
            return;
        }
        int sent = 0;
        while (sent < bytes.Length) sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    public Task SendFrameAsync(int opcode, byte[] payload, bool fin = true, bool mask = true, int rsv = 0) =>
        SendRawAsync(Frame(opcode, payload, fin, mask, rsv));

    public Task SendTextAsync(string text) => SendFrameAsync(0x1, Encoding.UTF8.GetBytes(text));

    public Task SendBinaryAsync(string text) => SendFrameAsync(0x2, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads up to the blank line that ends an HTTP head; frames after it stay buffered. When TCP ends
    /// first, returns what came.</summary>
    public async Task<string> ReadHttpHeadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
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

    /// <summary>Reads an HTTP answer whole (head and body) until the server ends TCP; <paramref name="timeout"/>
    /// bounds silence.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cts = BoundSilence(timeout);
        var all = new MemoryStream();
        all.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        while (true)
        {
            int n;
            try { n = await ReceiveAsync(_buffer, cts.Token); }
            catch (SocketException) { break; }
            if (n == 0) break;
            cts.CancelAfter(_silence);
            all.Write(_buffer, 0, n);
        }
        return Encoding.UTF8.GetString(all.GetBuffer(), 0, (int)all.Length);
    }

    /// <summary>The next frame's head; null when TCP ended (EOF or reset) first.</summary>
    public async Task<RawFrameHead?> ReadFrameHeadAsync(CancellationToken ct)
    {
        if (!await FillAsync(2, ct)) return null;
        byte b0 = _buffer[_start], b1 = _buffer[_start + 1];
        if ((b1 & 0x80) != 0) throw new IOException("server frame is masked");
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126)
        {
            if (!await FillAsync(4, ct)) return null;
            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            header = 4;
        }
        else if (length == 127)
        {
            if (!await FillAsync(10, ct)) return null;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            header = 10;
        }
        _start += header;
        return new RawFrameHead((b0 & 0x80) != 0, b0 & 0x0F, length);
    }

    /// <summary>Passes the next <paramref name="length"/> payload bytes to <paramref name="sink"/>, taking at most
    /// <paramref name="paceBytes"/> per <paramref name="pause"/> when a pace is given. False when TCP ended first.</summary>
    public async Task<bool> ReadPayloadAsync(long length, Action<ReadOnlySpan<byte>> sink, CancellationToken ct,
                                             int paceBytes = 0, TimeSpan pause = default)
    {
        long remaining = length;
        long sinceLastPause = 0;
        while (remaining > 0)
        {
            if (_start == _end && !await FillAsync(1, ct)) return false;
            int take = (int)Math.Min(remaining, _end - _start);
            if (paceBytes > 0) take = (int)Math.Min(take, paceBytes - sinceLastPause);
            sink(_buffer.AsSpan(_start, take));
            _start += take;
            remaining -= take;
            sinceLastPause += take;
            if (paceBytes > 0 && sinceLastPause >= paceBytes)
            {
                await Task.Delay(pause, ct);
                sinceLastPause = 0;
            }
        }
        return true;
    }

    /// <summary>Reads the next frame whole (for control frames and small replies); null when TCP ended first.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var head = await ReadFrameHeadAsync(cts.Token);
        if (head is null) return null;
        var payload = new MemoryStream();
        if (!await ReadPayloadAsync(head.Value.Length, bytes => payload.Write(bytes), cts.Token)) return null;
        return new RawFrame(head.Value.Fin, head.Value.Opcode, payload.ToArray());
    }

    /// <summary>Reads one small data message whole, all its fragments (a close frame instead ends it); null when TCP ended first.</summary>
    public Task<RawMessage?> ReadSmallMessageAsync(TimeSpan? timeout = null) =>
        ReadMessageAsync(timeout ?? DefaultTimeout, keep: new MemoryStream());

    /// <summary>Reads one data message of any size through SHA-256 without holding it (a close frame instead ends
    /// it); null when TCP ended first. Pings are answered as a browser would. <paramref name="timeout"/> bounds
    /// silence: a large message on a busy machine may take longer in all, but keeps coming.</summary>
    public async Task<RawMessage?> ReadMessageAsync(TimeSpan timeout, int paceBytes = 0, TimeSpan pause = default, MemoryStream? keep = null)
    {
        using var cts = BoundSilence(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int opcode = -1;
        long total = 0;
        int pings = 0;
        while (true)
        {
            var head = await ReadFrameHeadAsync(cts.Token);
            if (head is null) return null;
            var (fin, op, length) = head.Value;
            if (op >= 0x8)
            {
                var control = new MemoryStream();
                if (!await ReadPayloadAsync(length, bytes => control.Write(bytes), cts.Token)) return null;
                if (op == 0x8) return new RawMessage(op, 0, [], new RawFrame(fin, op, control.ToArray()), PingsAnswered: pings);
                if (op == 0x9)
                {
                    pings++;
                    await SendFrameAsync(0xA, control.ToArray());
                }
                continue;
            }
            if (opcode < 0) opcode = op;
            if (!await ReadPayloadAsync(length, bytes => { hash.AppendData(bytes); keep?.Write(bytes); }, cts.Token, paceBytes, pause)) return null;
            total += length;
            if (fin) return new RawMessage(opcode, total, hash.GetHashAndReset(), null, keep?.ToArray(), pings);
        }
    }

    /// <summary>Reads frames (dropping data, not holding it) until the server's close frame, returned; null when
    /// TCP ended first. <paramref name="timeout"/> bounds silence.</summary>
    public async Task<RawFrame?> ReadUntilCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = BoundSilence(timeout);
        while (true)
        {
            var head = await ReadFrameHeadAsync(cts.Token);
            if (head is null) return null;
            bool close = head.Value.Opcode == 0x8;
            var payload = new MemoryStream();
            if (!await ReadPayloadAsync(head.Value.Length, bytes => { if (close) payload.Write(bytes); }, cts.Token)) return null;
            if (close) return new RawFrame(head.Value.Fin, 0x8, payload.ToArray());
        }
    }

    /// <summary>Reads and drops everything until the server ends TCP; returns the byte count, or -1 when
    /// TCP was still open at the timeout.</summary>
    public async Task<long> DrainUntilEndAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        long total = _end - _start;
        _start = _end = 0;
        try
        {
            while (true)
            {
                int n = await ReceiveAsync(_buffer, cts.Token);
                if (n == 0) return total;
                total += n;
            }
        }
        catch (OperationCanceledException) { return -1; }
        catch (Exception ex) when (ex is SocketException or IOException) { return total; }
    }

    /// <summary>True when the server ends TCP within the timeout (whatever it sent first is dropped).</summary>
    public async Task<bool> ServerClosesTcpAsync(TimeSpan? timeout = null) => await DrainUntilEndAsync(timeout) >= 0;

    /// <summary>Ends the connection with a TCP reset (RST) instead of an orderly FIN.</summary>
    public void Reset()
    {
        try { Socket.LingerState = new LingerOption(true, 0); } catch (SocketException) { } catch (ObjectDisposedException) { }
        Socket.Dispose();
    }

    /// <summary>A deadline that every byte received moves on by <paramref name="timeout"/> (30 s unless given), until disposed.</summary>
    private SilenceDeadline BoundSilence(TimeSpan? timeout)
    {
        _silence = timeout ?? DefaultTimeout;
        _silenceDeadline = new CancellationTokenSource(_silence);
        return new SilenceDeadline(this, _silenceDeadline);
    }

    private readonly struct SilenceDeadline(RawWsClient client, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;
        public void CancelAfter(TimeSpan delay) => source.CancelAfter(delay);

        public void Dispose()
        {
            if (client._silenceDeadline == source) client._silenceDeadline = null;
            source.Dispose();
        }
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
        if (needed > _buffer.Length) throw new InvalidOperationException($"{needed} bytes do not fit this client's {_buffer.Length}-byte buffer");
        while (_end < needed)
        {
            int n;
            try { n = await ReceiveAsync(_buffer.AsMemory(_end), ct); }
            catch (Exception ex) when (ex is SocketException or IOException) { return false; }
            if (n == 0) return false;
            _end += n;
            _silenceDeadline?.CancelAfter(_silence);
        }
        return true;
    }

    private ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) =>
        _tls is not null ? _tls.ReadAsync(buffer, ct) : Socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    public void Dispose()
    {
        _tls?.Dispose();
        Socket.Dispose();
    }
}
