using Websocketfy.Protocol.Frames;

namespace Websocketfy.Protocol.Messages;

/// <summary>
/// The receiving half of an RFC 6455 server connection, as a pure state machine: bytes in,
/// events out. Enforces every section 5 rule for client frames (masking, RSV, reserved opcodes,
/// control frames, fragmentation order, incremental UTF-8 of text messages, message size).
/// After a Close or ProtocolError event it returns ProtocolError for any further input.
/// </summary>
/// <remarks>
/// States: between frames (parse a header), inside a data frame (deliver its payload as it arrives),
/// finished (after Close or ProtocolError). Orthogonal to that, a fragmented message may be open
/// (the last data frame had FIN=0), which decides whether the next data frame must be a continuation.
/// Data payload is reported piecewise as soon as bytes arrive; control frames only whole.
/// A NeedMoreData result may still have consumed a data frame's header: keep input[consumed..].
/// </remarks>
public sealed partial class MessageReceiver
{
    /// <summary>Control frames are only reported whole, so the caller's buffer must hold at least this.</summary>
    public const int MinimumBufferSize = 14 + 125;

    public const string DataAfterClose = "data after close";

    private readonly long _maxMessageSize;

    /// <summary>Set by a Close or ProtocolError event: nothing more is read.</summary>
    private bool _finished;

    // The message being received.
    private bool _continuationExpected;
    private Opcode _messageOpcode;
    private long _messageLength;
    private Utf8Validator _utf8;

    // The data frame whose payload is being delivered (none when _frameRemaining is 0).
    private long _frameRemaining;
    private long _frameOffset;
    private int _frameMaskKey;
    private bool _frameFin;

    public MessageReceiver(long maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The limit on one message's total payload, as given to the constructor.</summary>
    public long MaxMessageSize => _maxMessageSize;

    /// <summary>Decodes the next event from <paramref name="input"/>, unmasking payload bytes in place.
    /// <paramref name="consumed"/> bytes are done with; the caller keeps input[consumed..] for the next call.</summary>
    public ReceiveEvent Next(Span<byte> input, out int consumed)
    {
        consumed = 0;
        if (_finished)
        {
            return Fail(CloseStatus.ProtocolError, DataAfterClose);
        }

        while (_frameRemaining == 0)
        {
            FrameHeaderStatus parsed = FrameHeaderCodec.TryParse(input[consumed..], out FrameHeader header, out string? encodingError);
            if (parsed == FrameHeaderStatus.NeedMoreData)
            {
                return ReceiveEvent.NeedMoreData();
            }
            if (parsed == FrameHeaderStatus.Invalid)
            {
                return Fail(CloseStatus.ProtocolError, encodingError ?? "");
            }

            string? violation = ClientFrameRules.Check(header, _continuationExpected, _messageLength, _maxMessageSize, out ushort status);
            if (violation is not null)
            {
                return Fail(status, violation);
            }

            if (header.IsControl)
            {
                return ReadControlFrame(input, header, ref consumed);
            }

            consumed += header.HeaderLength;
            BeginDataFrame(header);
            if (header.PayloadLength == 0 && header.Fin)
            {
                return EndEmptyFrame();
            }
            // A zero-byte non-final fragment carries nothing to report: go on to the next header.
        }

        return DeliverPayload(input, ref consumed);
    }

    private ReceiveEvent Fail(ushort status, string reason)
    {
        _finished = true;
        return ReceiveEvent.Error(status, reason);
    }
}
