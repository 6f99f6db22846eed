using System.Net;
using System.Net.Sockets;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Tests.RealSiren;

/// <summary>How SiREN ends its answer to one command (PROTOCOL.md section 2).</summary>
internal enum SirenReplyEnd
{
    /// <summary>The prompt <c>Siren::SQL&gt; </c> (every command but the two below).</summary>
    Prompt,

    /// <summary>A blank command: a bare <c>\n</c> and no prompt.</summary>
    BareNewline,

    /// <summary>QUIT: the server closes the connection.</summary>
    Close,
}

/// <summary>
/// A direct TCP client of a SiREN server (real or peer) that does what a careful client must: one
/// write per command, read until the reply's end, and re-arm <c>TCP_QUICKACK</c> before every read so
/// SiREN's prompt, sent in a second write with Nagle on, is not held up by a delayed ACK.
/// </summary>
internal sealed class DirectSirenClient : IAsyncDisposable
{
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[256 * 1024];

    private DirectSirenClient(Socket socket) => _socket = socket;

    /// <summary>The greeting the server sent on connect.</summary>
    public byte[] Greeting { get; private set; } = [];

    /// <summary>Connects and reads the greeting (the prompt).</summary>
    public static async Task<DirectSirenClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var client = new DirectSirenClient(socket);
        try
        {
            using var timeout = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            client.Greeting = await client.ReadReplyAsync(SirenReplyEnd.Prompt);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return client;
    }

    /// <summary>Sends a command and returns the reply's body: the bytes before the closing prompt.</summary>
    public async Task<byte[]> QueryAsync(byte[] command)
    {
        byte[] raw = await ExchangeAsync(command, SirenReplyEnd.Prompt);
        if (!raw.AsSpan().EndsWith(SirenPrompt.Bytes)) throw new IOException("SiREN closed the connection before the prompt");
        return raw[..^SirenPrompt.Bytes.Length];
    }

    /// <summary>Sends a command in one write and returns every byte of the answer, its end included.</summary>
    public async Task<byte[]> ExchangeAsync(byte[] command, SirenReplyEnd end)
    {
        await SendAsync(command);
        return await ReadReplyAsync(end);
    }

    public async Task SendAsync(byte[] command)
    {
        int sent = await _socket.SendAsync(command, SocketFlags.None);
        if (sent != command.Length) throw new IOException("a command must go out in one write");
    }

    /// <summary>Reads until the answer's end: the prompt, a bare newline, or the server's close
    /// (a close ends every kind of read, so a wrong expectation shows as different bytes, not a hang).</summary>
    public async Task<byte[]> ReadReplyAsync(SirenReplyEnd end, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var received = new MemoryStream();
        while (true)
        {
            _socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, BitConverter.GetBytes(1));
            int n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token);
            if (n == 0) return received.ToArray();
            received.Write(_buffer, 0, n);
            var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
            bool complete = end switch
            {
                SirenReplyEnd.Prompt => bytes.EndsWith(SirenPrompt.Bytes),
                SirenReplyEnd.BareNewline => bytes.SequenceEqual("\n"u8),
                _ => false,
            };
            if (complete) return received.ToArray();
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
