using Websocketfy.Protocol.Frames;

namespace Websocketfy.Protocol.Messages;

/// <summary>Data frames: message bookkeeping and piecewise payload delivery.</summary>
public sealed partial class MessageReceiver
{
    public const string InvalidUtf8 = "text message is not valid UTF-8";

    /// <summary>The header passed <see cref="ClientFrameRules"/>; start (or continue) its message.</summary>
    private void BeginDataFrame(in FrameHeader header)
    {
        if (header.Opcode != Opcode.Continuation)
        {
            // The validator needs no reset: a text message only ends after IsComplete held.
            _messageOpcode = header.Opcode;
            _messageLength = 0;
        }
        _messageLength += header.PayloadLength;
        _continuationExpected = !header.Fin;

        _frameRemaining = header.PayloadLength;
        _frameOffset = 0;
        _frameMaskKey = header.MaskKey;
        _frameFin = header.Fin;
    }

    /// <summary>Reports whatever part of the current frame's payload the input holds.</summary>
    private ReceiveEvent DeliverPayload(Span<byte> input, scoped ref int consumed)
    {
        int available = (int)Math.Min(_frameRemaining, input.Length - consumed);
        if (available == 0)
        {
            return ReceiveEvent.NeedMoreData();
        }

        Span<byte> chunk = input.Slice(consumed, available);
        Masking.Apply(chunk, _frameMaskKey, _frameOffset);
        _frameOffset += available;
        _frameRemaining -= available;
        bool endOfMessage = _frameFin && _frameRemaining == 0;

        if (_messageOpcode == Opcode.Text && !(_utf8.Append(chunk) && (!endOfMessage || _utf8.IsComplete)))
        {
            return Fail(CloseStatus.InvalidPayload, InvalidUtf8);
        }

        consumed += available;
        return ReceiveEvent.Data(_messageOpcode, chunk, endOfMessage);
    }

    /// <summary>A FIN frame with no payload still ends its message, with an empty fragment.</summary>
    private ReceiveEvent EndEmptyFrame()
    {
        if (_messageOpcode == Opcode.Text && !_utf8.IsComplete)
        {
            return Fail(CloseStatus.InvalidPayload, InvalidUtf8);
        }
        return ReceiveEvent.Data(_messageOpcode, [], endOfMessage: true);
    }
}
