using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>The head of one server frame.</summary>
internal readonly record struct WireFrameHead(bool Fin, int Opcode, long Length);

/// <summary>How a data message read by <see cref="WireClient.ReadMessageAsync"/> ended.</summary>
internal sealed record WireMessage(int Opcode, long Length, byte[] Sha256, RawFrame? Close, byte[]? Bytes = null)
{
    public bool IsClose => Close is not null;
    public string Text => Encoding.UTF8.GetString(Bytes ?? throw new InvalidOperationException("the bytes were not kept"));
}

/// <summary>
/// A lean byte-level WebSocket client for fault tests: it can shrink its socket's receive buffer before
/// connecting (so a stalled reader stalls the server soon), streams large messages through a hash at a
/// chosen pace instead of holding them, and can end with a TCP reset. Small enough that thousands fit.
/// </summary>
internal sealed class WireClient : IDisposable
{
    public const string DefaultKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private readonly byte[] _buffer;
    private int _start, _end;

    private WireClient(Socket socket, int bufferSize)
    {
        Socket = socket;
        _buffer = new byte[bufferSize];
    }

    public Socket Socket { get; }

    /// <summary>The upgrade request the tests send; <paramref name="extraHeaders"/> are whole lines ending in CRLF.</summary>
    public static byte[] UpgradeRequest(string extraHeaders = "") => Encoding.ASCII.GetBytes(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extraHeaders +
        $"Sec-WebSocket-Key: {DefaultKey}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    /// <summary>Connects without sending anything.</summary>
    public static async Task<WireClient> ConnectRawAsync(int port, int? receiveBufferSize = null, int bufferSize = 64 * 1024)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Set before connecting: the window offered in the SYN follows it, and autotuning stays off.
        if (receiveBufferSize is int size) socket.ReceiveBufferSize = size;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new WireClient(socket, bufferSize);
    }

    /// <summary>Connects and upgrades; <paramref name="firstFrames"/> leave in the same write as the request.
    /// Throws when the answer is not 101.</summary>
    public static async Task<WireClient> ConnectAsync(int port, int? receiveBufferSize = null, int bufferSize = 64 * 1024,
                                                      byte[]? firstFrames = null)
    {
        var client = await ConnectRawAsync(port, receiveBufferSize, bufferSize);
        try
        {
            await client.SendAsync([.. UpgradeRequest(), .. firstFrames ?? []]);
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

    /// <summary>True when something could be read now without waiting: buffered bytes, new bytes, or the end of TCP.</summary>
    public bool HasInputOrEnded => _end > _start || Socket.Poll(0, SelectMode.SelectRead);

    public async Task SendAsync(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length) sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    public Task SendTextAsync(string text) => SendAsync(RawWsClient.Frame(0x1, Encoding.UTF8.GetBytes(text)));

    public Task SendBinaryAsync(string text) => SendAsync(RawWsClient.Frame(0x2, Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads up to the blank line that ends an HTTP head; frames after it stay buffered.</summary>
    public async Task<string> ReadHttpHeadAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
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

    /// <summary>The next frame's head; null when TCP ended (EOF or reset) first.</summary>
    public async Task<WireFrameHead?> ReadFrameHeadAsync(CancellationToken ct)
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
        return new WireFrameHead((b0 & 0x80) != 0, b0 & 0x0F, length);
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

    /// <summary>Reads one frame whole (for control frames and small replies); null when TCP ended first.</summary>
    public async Task<RawFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var head = await ReadFrameHeadAsync(cts.Token);
        if (head is null) return null;
        var payload = new MemoryStream();
        if (!await ReadPayloadAsync(head.Value.Length, bytes => payload.Write(bytes), cts.Token)) return null;
        return new RawFrame(head.Value.Fin, head.Value.Opcode, payload.ToArray());
    }

    /// <summary>Reads one small data message whole, all its fragments (a close frame instead ends it); null when TCP ended first.</summary>
    public Task<WireMessage?> ReadSmallMessageAsync(TimeSpan? timeout = null) =>
        ReadMessageAsync(timeout ?? TimeSpan.FromSeconds(15), keep: new MemoryStream());

    /// <summary>Reads one data message of any size through SHA-256 (a close frame instead ends it);
    /// null when TCP ended first. Pings are answered as a browser would.</summary>
    public async Task<WireMessage?> ReadMessageAsync(TimeSpan timeout, int paceBytes = 0, TimeSpan pause = default, MemoryStream? keep = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int opcode = -1;
        long total = 0;
        while (true)
        {
            var head = await ReadFrameHeadAsync(cts.Token);
            if (head is null) return null;
            var (fin, op, length) = head.Value;
            if (op >= 0x8)
            {
                var control = new MemoryStream();
                if (!await ReadPayloadAsync(length, bytes => control.Write(bytes), cts.Token)) return null;
                if (op == 0x8) return new WireMessage(op, 0, [], new RawFrame(fin, op, control.ToArray()));
                if (op == 0x9) await SendAsync(RawWsClient.Frame(0xA, control.ToArray()));
                continue;
            }
            if (opcode < 0) opcode = op;
            if (!await ReadPayloadAsync(length, bytes => { hash.AppendData(bytes); keep?.Write(bytes); }, cts.Token, paceBytes, pause)) return null;
            total += length;
            if (fin) return new WireMessage(opcode, total, hash.GetHashAndReset(), null, keep?.ToArray());
        }
    }

    /// <summary>Reads frames (dropping data) until the server's close frame, returned; null when TCP ended first.</summary>
    public async Task<RawFrame?> ReadUntilCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var head = await ReadFrameHeadAsync(cts.Token);
            if (head is null) return null;
            var payload = new MemoryStream();
            if (!await ReadPayloadAsync(head.Value.Length, bytes => { if (head.Value.Opcode == 0x8) payload.Write(bytes); }, cts.Token)) return null;
            if (head.Value.Opcode == 0x8) return new RawFrame(head.Value.Fin, 0x8, payload.ToArray());
        }
    }

    /// <summary>Reads and drops everything until the server ends TCP; returns the byte count, or -1 when
    /// TCP was still open at the timeout.</summary>
    public async Task<long> DrainUntilEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        long total = _end - _start;
        _start = _end = 0;
        try
        {
            while (true)
            {
                int n = await Socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token);
                if (n == 0) return total;
                total += n;
            }
        }
        catch (OperationCanceledException) { return -1; }
        catch (SocketException) { return total; }
    }

    /// <summary>Ends the connection with a TCP reset (RST) instead of an orderly FIN.</summary>
    public void Reset()
    {
        try { Socket.LingerState = new LingerOption(true, 0); } catch (SocketException) { } catch (ObjectDisposedException) { }
        Socket.Dispose();
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
            try { n = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct); }
            catch (SocketException) { return false; }
            if (n == 0) return false;
            _end += n;
        }
        return true;
    }

    public void Dispose() => Socket.Dispose();
}
