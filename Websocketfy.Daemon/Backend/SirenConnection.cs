using System.Runtime.CompilerServices;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Daemon.Backend;

/// <summary>
/// One TCP connection to SiREN, used by one command at a time (the pool guarantees it).
/// SiREN reads whatever one recv returns as one command, so a command is always one write,
/// and the next one is only written after the previous prompt has arrived.
/// </summary>
internal sealed class SirenConnection : IDisposable
{
    // Linux: armed before the first read of each reply so the ACK of SiREN's body write leaves at once and
    // its Nagle-delayed prompt write follows without the ~40 ms delayed-ACK wait. Writing the command put
    // the socket back in delayed-ACK ("pingpong") mode; arming takes it out, and nothing is written to SiREN
    // again until the reply ends, so the later reads of the same reply need no second call.
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private const int ReadSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly ReplyDelimiter _delimiter = new();
    private readonly byte[] _readBuffer = new byte[ReadSize];
    private readonly byte[] _bodyBuffer = new byte[ReadSize + ReplyDelimiter.MaxHeldBack];
    private CancellationTokenSource _silence = new();
    private bool _quickAckSupported = OperatingSystem.IsLinux();

    private SirenConnection(Socket socket) => _socket = socket;

    /// <summary>Which SiREN address of the pool this connection was made for (see <see cref="SirenPool.Reconfigure"/>).</summary>
    public int PoolGeneration { get; set; }

    /// <summary>Connects and waits for the greeting prompt, both within <paramref name="timeout"/>.</summary>
    public static async Task<SirenConnection> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            var connection = new SirenConnection(socket);
            await connection.ReadGreetingAsync(deadline.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            socket.Dispose();
            // Asked to stop (shutdown): whatever the attempt ran into meanwhile (say, a refusal that came just
            // before the cancellation), the caller sees the cancellation it asked for, not a raw socket error.
            ct.ThrowIfCancellationRequested();
            string detail = ex is OperationCanceledException ? $"no greeting within {timeout.TotalSeconds:0.###} s" : ex.Message;
            throw new SirenUnavailableException(detail, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task ReadGreetingAsync(CancellationToken ct)
    {
        int received = 0;
        while (received < SirenPrompt.Length)
        {
            int n = await _socket.ReceiveAsync(_readBuffer.AsMemory(received, SirenPrompt.Length - received), ct).ConfigureAwait(false);
            if (n == 0) throw new SirenUnavailableException("closed before its greeting");
            received += n;
            if (!SirenPrompt.Bytes.StartsWith(_readBuffer.AsSpan(0, received)))
                throw new SirenUnavailableException("did not greet with the SiREN prompt");
        }
    }

    /// <summary>True when the idle connection can carry a command: nothing arrived while idle
    /// (bytes mean it is out of step, EOF means SiREN dropped it).</summary>
    /// <remarks>One poll(2) for what Socket.Poll needs two calls for (SelectRead, then SelectError): readable data,
    /// end of stream, urgent data; error and hang-up are always reported. This runs before every command.</remarks>
    public unsafe bool IsCleanWhileIdle()
    {
        SafeHandle handle = _socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var poll = new Libc.PollFd { Fd = (int)handle.DangerousGetHandle(), Events = Libc.PollIn | Libc.PollPri };
            // 0: nothing happened while idle; anything else (an event, or poll failing) and the connection is not used.
            return Libc.Poll(&poll, 1, 0) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>Writes one command and moves its reply (prompt removed) into <paramref name="spool"/>,
    /// at SiREN's speed. The spool is completed only by the caller.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RelayOutcome> RelayAsync(ReadOnlyMemory<byte> command, ReplySpool spool,
        TimeSpan silenceTimeout, long maxReplySize, CancellationToken ct)
    {
        _delimiter.Reset();
        // The previous command's client may have gone away in the instant after its reply completed, while
        // that relay was still returning: its cancellation reached _silence, which must not fail this command.
        if (!_silence.TryReset())
        {
            _silence.Dispose();
            _silence = new CancellationTokenSource();
        }
        try
        {
            // One write: SiREN treats each read as a whole command.
            int sent = await _socket.SendAsync(command, SocketFlags.None, ct).ConfigureAwait(false);
            if (sent != command.Length) return RelayOutcome.WriteFailed;
        }
        catch (OperationCanceledException) { return RelayOutcome.Cancelled; }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return RelayOutcome.WriteFailed; }

        using var cancelOnClientGone = ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _silence);
        long total = 0;
        try
        {
            ArmQuickAck();
            while (true)
            {
                _silence.CancelAfter(silenceTimeout);
                int n = await _socket.ReceiveAsync(_readBuffer.AsMemory(), SocketFlags.None, _silence.Token).ConfigureAwait(false);
                if (n == 0) return RelayOutcome.ClosedEarly;
                int bodyLength = _delimiter.Feed(_readBuffer.AsSpan(0, n), _bodyBuffer, out bool complete);
                total += bodyLength;
                if (total > maxReplySize) return RelayOutcome.TooLarge;
                if (spool.WouldSpill(bodyLength)) await new ThreadPoolHop();
                spool.Append(_bodyBuffer.AsSpan(0, bodyLength), complete);
                if (complete)
                {
                    _silence.CancelAfter(Timeout.InfiniteTimeSpan);
                    return RelayOutcome.Complete;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return ct.IsCancellationRequested ? RelayOutcome.Cancelled : RelayOutcome.Silent;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return RelayOutcome.ClosedEarly;
        }
    }

    private void ArmQuickAck()
    {
        if (!_quickAckSupported) return;
        try
        {
            Span<byte> on = [1, 0, 0, 0];
            _socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, on);
        }
        catch (SocketException)
        {
            _quickAckSupported = false;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _silence.Dispose();
    }
}
