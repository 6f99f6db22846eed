using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Websocketfy.Tests.SirenPeer;

/// <summary>
/// A bare TCP client for talking to the SiREN peer: every send is one write, and a background
/// reader collects everything the server sends (and notices its EOF).
/// </summary>
internal sealed class RawSirenClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private readonly List<byte> _received = [];
    private readonly List<int> _chunkSizes = [];
    private Task _reader = Task.CompletedTask;
    private readonly CancellationTokenSource _stop = new();
    private bool _eof;

    private RawSirenClient(Socket socket) => _socket = socket;

    /// <param name="receiveBufferSize">A small value makes the client stall the server sooner.</param>
    /// <param name="startReading">False leaves the bytes unread until <see cref="StartReading"/>.</param>
    public static async Task<RawSirenClient> ConnectAsync(IPEndPoint server, int? receiveBufferSize = null, bool startReading = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is int size)
        {
            socket.ReceiveBufferSize = size;
        }

        try
        {
            await socket.ConnectAsync(server).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new RawSirenClient(socket);
        if (startReading)
        {
            client.StartReading();
        }

        return client;
    }

    /// <summary>Starts collecting what the server sends (for a client connected without reading).</summary>
    public void StartReading() => _reader = Task.Run(ReadLoopAsync);

    public Socket Socket => _socket;

    public byte[] Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The received bytes as Latin-1 text: one char per byte, so comparisons stay byte-exact but print readably.</summary>
    public string ReceivedText => Encoding.Latin1.GetString(Received);

    public int ReceivedCount
    {
        get
        {
            lock (_lock)
            {
                return _received.Count;
            }
        }
    }

    public IReadOnlyList<int> ChunkSizes
    {
        get
        {
            lock (_lock)
            {
                return [.. _chunkSizes];
            }
        }
    }

    public bool ServerClosed
    {
        get
        {
            lock (_lock)
            {
                return _eof;
            }
        }
    }

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes.AsMemory(), SocketFlags.None).AsTask();

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Waits until at least <paramref name="count"/> bytes have arrived in total.</summary>
    public Task WaitForBytesAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ReceivedCount >= count || ServerClosed, timeout, $"{count} bytes");

    /// <summary>Waits until the received bytes end with <paramref name="suffix"/> (Latin-1).</summary>
    public Task WaitForEndingAsync(string suffix, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => ReceivedText.EndsWith(suffix, StringComparison.Ordinal) || ServerClosed, timeout, $"an ending '{suffix}'");

    public Task WaitForEofAsync(TimeSpan? timeout = null) => WaitUntilAsync(() => ServerClosed, timeout, "EOF");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The reader ends with the socket.
        }

        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                lock (_lock)
                {
                    if (read == 0)
                    {
                        _eof = true;
                        return;
                    }

                    _received.AddRange(buffer.AsSpan(0, read));
                    _chunkSizes.Add(read);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            lock (_lock)
            {
                _eof = true;
            }
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Waited in vain for {what}; received so far: {Printable(ReceivedText)}");
            }

            await Task.Delay(2).ConfigureAwait(false);
        }
    }

    public static string Printable(string latin1) =>
        latin1.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
