using System.Buffers;
using Microsoft.Extensions.Logging;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Daemon.Sessions;

internal sealed partial class Session
{
    /// <summary>What the receive loop must do after the pure part has eaten the input.</summary>
    private enum ReceiveStep { ReadMore, AnswerPing, PeerClosed, Fail }

    private readonly MessageAssembly _assembly = new();
    /// <summary>The payload of the ping being answered; made at the first ping.</summary>
    private byte[]? _controlPayload;
    private int _controlPayloadLength;
    private ushort _failStatus;
    private string _failReason = "";
    private ushort? _peerCloseStatus;
    private bool _closeReceived;
    private byte[]? _receiveBuffer;
    private long _lastReceivedAt;

    private async Task ReceiveLoopAsync(byte[] leftover)
    {
        var receiver = new MessageReceiver(_context.Options.MaxMessageSize);
        int start = 0, end = 0;
        if (leftover.Length > 0)
        {
            _receiveBuffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
            leftover.CopyTo(_receiveBuffer, 0);
            end = leftover.Length;
        }
        while (true)
        {
            if (end > start)
            {
                var step = ConsumeInput(receiver, _receiveBuffer.AsSpan(start, end - start), out int consumed);
                start += consumed;
                switch (step)
                {
                    case ReceiveStep.AnswerPing:
                        await _sender.SendControlAsync(Opcode.Pong, _controlPayload!.AsMemory(0, _controlPayloadLength), _lifetime.Token).ConfigureAwait(false);
                        continue;
                    case ReceiveStep.PeerClosed:
                        await AnswerPeerCloseAsync().ConfigureAwait(false);
                        return;
                    case ReceiveStep.Fail:
                        await FailAsync(_failStatus, _failReason).ConfigureAwait(false);
                        return;
                }
            }
            if (start == end)
            {
                // Idle connections hold no receive buffer: wait for data with a zero-byte read, then rent one.
                start = end = 0;
                ReturnReceiveBuffer();
                await _stream.ReadAsync(Memory<byte>.Empty, _lifetime.Token).ConfigureAwait(false);
                _receiveBuffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
            }
            else if (start > 0)
            {
                // Only a partial header or control frame is left (at most 139 bytes): move it to the front.
                _receiveBuffer.AsSpan(start, end - start).CopyTo(_receiveBuffer);
                end -= start;
                start = 0;
            }
            int n = await _stream.ReadAsync(_receiveBuffer.AsMemory(end), _lifetime.Token).ConfigureAwait(false);
            if (n == 0)
            {
                EndBecause(_state == SessionState.Closing ? "closed after our close frame" : "peer dropped TCP without close frame");
                return;
            }
            end += n;
            _bytesReceived += n;
            Interlocked.Exchange(ref _lastReceivedAt, Environment.TickCount64);
        }
    }

    /// <summary>The pure half of receiving: runs the receiver over the input until something needs I/O.</summary>
    private ReceiveStep ConsumeInput(MessageReceiver receiver, Span<byte> input, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            var ev = receiver.Next(input[consumed..], out int used);
            consumed += used;
            switch (ev.Kind)
            {
                case ReceiveEventKind.NeedMoreData:
                    return ReceiveStep.ReadMore;
                case ReceiveEventKind.DataFragment:
                    // After our close frame the peer's data is read and dropped (RFC 6455 section 5.5.1).
                    if (_state != SessionState.Open) break;
                    _assembly.Append(ev.Payload);
                    if (ev.EndOfMessage && !Enqueue(_assembly.Take(ev.MessageOpcode)))
                    {
                        _failStatus = CloseStatus.PolicyViolation;
                        _failReason = "too many queued commands";
                        return ReceiveStep.Fail;
                    }
                    break;
                case ReceiveEventKind.Ping:
                    ev.Payload.CopyTo(_controlPayload ??= new byte[125]);
                    _controlPayloadLength = ev.Payload.Length;
                    return ReceiveStep.AnswerPing;
                case ReceiveEventKind.Pong:
                    // Unsolicited or not, a pong needs no answer; its arrival already counts as liveness.
                    break;
                case ReceiveEventKind.Close:
                    _peerCloseStatus = ev.CloseStatus;
                    _closeReceived = true;
                    return ReceiveStep.PeerClosed;
                case ReceiveEventKind.ProtocolError:
                    _failStatus = ev.ErrorStatus;
                    _failReason = ev.ErrorReason;
                    return ReceiveStep.Fail;
            }
        }
    }

    /// <summary>Hands a complete message to the command loop, starting one when none runs (on this thread, until
    /// its first wait, e.g. for SiREN's reply); false when max-queued-commands wait already.</summary>
    private bool Enqueue(ClientMessage message)
    {
        _lastActivityAt = Environment.TickCount64;
        if (_v2 is not null) return EnqueueV2(message);
        _commands ??= new CommandQueue(_maxQueuedCommands);
        if (!_commands.TryAdd(message, out bool startLoop))
        {
            message.Release();
            return false;
        }
        if (startLoop) _commandLoop = RunCommandLoopAsync(_commandLoop);
        return true;
    }

    private async Task AnswerPeerCloseAsync()
    {
        bool wasOpen = _state == SessionState.Open;
        _state = SessionState.Closing;
        if (wasOpen)
        {
            // The peer started the close: stop answering commands, echo its status (1000 when it sent none).
            EndBecause("peer closed");
            ushort echo = _peerCloseStatus ?? CloseStatus.Normal;
            if (await SendCloseFrameAsync(echo, "").ConfigureAwait(false))
                _context.SessionLog.LogDebug("{Peer} closing (peer started, {Status})", _peer, echo);
        }
    }

    /// <summary>Fails the connection: our close frame, then TCP is closed without reading further frames.
    /// The peer's remaining bytes are drained (bounded in time) so our close frame is not lost to a reset.</summary>
    private async Task FailAsync(ushort status, string reason)
    {
        _context.SessionLog.LogDebug("{Peer} failing the connection: {Status} {Reason}", _peer, status, reason);
        EndBecause(reason);
        _state = SessionState.Closing;
        await SendCloseFrameAsync(status, reason).ConfigureAwait(false);
        var closeTimeout = _context.Options.CloseTimeout;
        await _sender.ShutdownSendAsync(closeTimeout).ConfigureAwait(false);
        // The whole connection ends at close-timeout: nothing but this drain is left of it.
        _lifetime.CancelAfter(closeTimeout);
        _receiveBuffer ??= ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        long drained = 0;
        while (drained < 1024 * 1024)
        {
            int n = await _stream.ReadAsync(_receiveBuffer, _lifetime.Token).ConfigureAwait(false);
            if (n == 0) return;
            drained += n;
        }
    }

    /// <summary>Starts a close from our side (QUIT, limits, timeouts, shutdown). The receive loop keeps
    /// reading, dropping data, until the peer's close frame, for at most close-timeout.</summary>
    private async Task CloseAsync(ushort status, string reason)
    {
        if (_state != SessionState.Open) return;
        _state = SessionState.Closing;
        EndBecause(reason.Length > 0 ? reason : "closed by server");
        _context.SessionLog.LogDebug("{Peer} closing ({Status} {Reason})", _peer, status, reason);
        // The connection ends at close-timeout if the peer's close frame has not come by then (the receive loop's read
        // is cancelled; what else still runs, e.g. v2 requests, ends with it at the teardown that follows).
        try { _lifetime.CancelAfter(_context.Options.CloseTimeout); } catch (ObjectDisposedException) { return; }
        await SendCloseFrameAsync(status, reason).ConfigureAwait(false);
    }

    private async Task<bool> SendCloseFrameAsync(ushort status, string reason)
    {
        if (!await _sender.SendCloseAsync(status, reason, _lifetime.Token).ConfigureAwait(false)) return false;
        _closeCodeSent = status;
        return true;
    }

    private void ReturnReceiveBuffer()
    {
        if (_receiveBuffer is null) return;
        ArrayPool<byte>.Shared.Return(_receiveBuffer);
        _receiveBuffer = null;
    }
}
