using System.Net.Sockets;
using System.Text;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Http;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Interop;

/// <summary>
/// One connection of <see cref="EchoServer"/>: the upgrade (RequestHeadParser, HandshakeValidator,
/// HttpResponses), then MessageReceiver for input and the Frames writers for output.
/// Like the daemon, the pure receiver runs until something needs I/O, and only then is there an await.
/// </summary>
internal sealed class EchoConnection
{
    /// <summary>Messages longer than this go back as a fragmented message (FragmentedMessageFramer),
    /// shorter ones as a single frame (ServerFrameWriter), so both writer paths face the client.</summary>
    public const int OutgoingFragmentLength = 1024 * 1024;

    /// <summary>Many frames per read; far above MessageReceiver.MinimumBufferSize.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    private static readonly HandshakePolicy Policy = new();

    /// <summary>What the receive loop must do after the pure part has eaten the input.</summary>
    private enum Step { ReadMore, EchoMessage, AnswerPing, PeerClosed, Fail }

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly EchoServer _server;
    private readonly MessageReceiver _receiver;
    private readonly MemoryStream _message = new();
    private readonly byte[] _control = new byte[FrameLimits.MaxControlPayloadLength];
    private readonly byte[] _header = new byte[ServerFrameWriter.MaxControlFrameLength];
    private Opcode _messageOpcode;
    private int _controlLength;
    private ushort? _peerCloseStatus;
    private string _peerCloseReason = "";
    private ushort _failStatus;
    private string _failReason = "";
    private bool _closeSent;

    public EchoConnection(Socket socket, EchoServer server)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _server = server;
        _receiver = new MessageReceiver(server.MaxMessageSize);
    }

    public async Task<EchoOutcome> RunAsync(CancellationToken cancel)
    {
        var buffer = new byte[ReceiveBufferSize];
        int end = await UpgradeAsync(buffer, cancel);
        if (end < 0)
        {
            return EchoOutcome.Failed("upgrade refused");
        }

        int start = 0;
        while (true)
        {
            Step step = Consume(buffer.AsSpan(start, end - start), out int consumed);
            start += consumed;
            switch (step)
            {
                case Step.EchoMessage:
                    await EchoOrCloseAsync(cancel);
                    continue;
                case Step.AnswerPing:
                    await SendControlAsync(Opcode.Pong, _control.AsMemory(0, _controlLength), cancel);
                    continue;
                case Step.PeerClosed:
                    return await AnswerPeerCloseAsync(cancel);
                case Step.Fail:
                    await SendCloseAsync(_failStatus, _failReason, cancel);
                    return EchoOutcome.Failed($"{_failStatus} {_failReason}");
            }

            if (start == end)
            {
                start = end = 0;
            }
            else if (start > 0)
            {
                // Only a partial header or control frame is left: move it to the front.
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            int n = await _stream.ReadAsync(buffer.AsMemory(end), cancel);
            if (n == 0)
            {
                return EchoOutcome.Failed("TCP ended without a close frame");
            }
            end += n;
        }
    }

    /// <summary>Reads and answers the upgrade request; returns how many bytes after the head (the
    /// first frames) now lie at the start of <paramref name="buffer"/>, or -1 when refused.</summary>
    private async Task<int> UpgradeAsync(byte[] buffer, CancellationToken cancel)
    {
        var parser = new RequestHeadParser();
        while (true)
        {
            int n = await _stream.ReadAsync(buffer, cancel);
            if (n == 0)
            {
                return -1;
            }
            HeadParseStatus status = parser.Feed(buffer.AsSpan(0, n), out int consumed);
            if (status == HeadParseStatus.NeedMoreData)
            {
                continue;
            }
            if (status != HeadParseStatus.Complete)
            {
                await _stream.WriteAsync(HttpResponses.Error(status == HeadParseStatus.TooLarge ? 431 : 400, "bad request head"), cancel);
                return -1;
            }

            HandshakeDecision decision = HandshakeValidator.Decide(parser.Head!, Policy);
            if (decision.Outcome != HandshakeOutcome.Upgrade)
            {
                int code = decision.Outcome == HandshakeOutcome.Reject ? decision.StatusCode : 400;
                await _stream.WriteAsync(HttpResponses.Error(code, "WebSocket upgrade expected"), cancel);
                return -1;
            }
            await _stream.WriteAsync(HttpResponses.SwitchingProtocols(decision.AcceptKey!, decision.Subprotocol), cancel);
            buffer.AsSpan(consumed, n - consumed).CopyTo(buffer);
            return n - consumed;
        }
    }

    /// <summary>The pure half: runs the receiver over the input until a message is whole or a frame needs an answer.</summary>
    private Step Consume(Span<byte> input, out int consumed)
    {
        consumed = 0;
        while (true)
        {
            ReceiveEvent received = _receiver.Next(input[consumed..], out int used);
            consumed += used;
            switch (received.Kind)
            {
                case ReceiveEventKind.NeedMoreData:
                    return Step.ReadMore;
                case ReceiveEventKind.DataFragment:
                    // After our close frame the peer's data is read and dropped (RFC 6455 section 5.5.1).
                    if (_closeSent) break;
                    _message.Write(received.Payload);
                    if (received.EndOfMessage)
                    {
                        _messageOpcode = received.MessageOpcode;
                        return Step.EchoMessage;
                    }
                    break;
                case ReceiveEventKind.Ping:
                    _server.CountPing();
                    if (!_server.AnswerPings || _closeSent) break;
                    received.Payload.CopyTo(_control);
                    _controlLength = received.Payload.Length;
                    return Step.AnswerPing;
                case ReceiveEventKind.Pong:
                    _server.CountPong();
                    break;
                case ReceiveEventKind.Close:
                    _peerCloseStatus = received.CloseStatus;
                    _peerCloseReason = received.CloseReason;
                    received.Payload.CopyTo(_control);
                    _controlLength = received.Payload.Length;
                    return Step.PeerClosed;
                case ReceiveEventKind.ProtocolError:
                    _failStatus = received.ErrorStatus;
                    _failReason = received.ErrorReason;
                    return Step.Fail;
            }
        }
    }

    private async Task EchoOrCloseAsync(CancellationToken cancel)
    {
        ReadOnlyMemory<byte> payload = _message.GetBuffer().AsMemory(0, (int)_message.Length);
        if (_messageOpcode == Opcode.Text && payload.Span.SequenceEqual(Encoding.UTF8.GetBytes(EchoServer.CloseRequest)))
        {
            await SendCloseAsync(CloseStatus.Normal, EchoServer.ServerCloseReason, cancel);
            _closeSent = true;
        }
        else if (payload.Length <= OutgoingFragmentLength)
        {
            int headerLength = ServerFrameWriter.WriteMessageHeader(_header, _messageOpcode, payload.Length);
            await _stream.WriteAsync(_header.AsMemory(0, headerLength), cancel);
            await _stream.WriteAsync(payload, cancel);
        }
        else
        {
            var framer = new FragmentedMessageFramer(_messageOpcode);
            for (int offset = 0; offset < payload.Length; offset += OutgoingFragmentLength)
            {
                int length = Math.Min(OutgoingFragmentLength, payload.Length - offset);
                int headerLength = framer.WriteFragmentHeader(_header, length, isFinal: offset + length == payload.Length);
                await _stream.WriteAsync(_header.AsMemory(0, headerLength), cancel);
                await _stream.WriteAsync(payload.Slice(offset, length), cancel);
            }
        }
        _message.SetLength(0);
    }

    /// <summary>The client's close frame: echoed unless ours went first, then TCP is closed by us,
    /// the server (RFC 6455 section 7.1.1).</summary>
    private async Task<EchoOutcome> AnswerPeerCloseAsync(CancellationToken cancel)
    {
        bool serverClosedFirst = _closeSent;
        if (!_closeSent)
        {
            await SendControlAsync(Opcode.Close, _control.AsMemory(0, _controlLength), cancel);
        }
        _socket.Shutdown(SocketShutdown.Both);
        return new EchoOutcome(_peerCloseStatus, _peerCloseReason, serverClosedFirst, Failure: null);
    }

    private async Task SendCloseAsync(ushort status, string reason, CancellationToken cancel)
    {
        int length = ServerFrameWriter.WriteClose(_header, status, reason);
        await _stream.WriteAsync(_header.AsMemory(0, length), cancel);
    }

    private async Task SendControlAsync(Opcode opcode, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        int length = ServerFrameWriter.WriteControlFrame(_header, opcode, payload.Span);
        await _stream.WriteAsync(_header.AsMemory(0, length), cancel);
    }
}
