namespace Websocketfy.Load.Wire;

/// <summary>When a reply made of server frames is complete.</summary>
internal enum WsCompletion
{
    /// <summary>At the end of one data message (websocketfy: one reply, one message).</summary>
    MessageEnd,

    /// <summary>When the data so far ends with SiREN's prompt (websockify relays TCP reads as frames,
    /// the prompt included).</summary>
    PromptSuffix,

    /// <summary>At a pong (the answer to our ping).</summary>
    Pong,
}

/// <summary>Reads unmasked server frames incrementally, counting payload without copying it.</summary>
internal sealed class WsReplyReader(WsCompletion completion) : IReplyReader
{
    private readonly ServerFrameHeader _frame = new();
    private readonly PromptTail _tail = new();
    private bool _inPayload;
    private long _remaining;

    public long PayloadBytes { get; private set; }

    public void Reset()
    {
        PayloadBytes = 0;
        _tail.Clear();
    }

    public long Skippable => _inPayload && completion == WsCompletion.MessageEnd && _frame.Opcode is ClientFrames.Continuation or ClientFrames.Binary or ClientFrames.Text
        ? _remaining : 0;

    public bool Skip(long count)
    {
        if (count > Skippable) throw new ArgumentOutOfRangeException(nameof(count));
        PayloadBytes += count;
        _remaining -= count;
        if (_remaining > 0) return false;
        _inPayload = false;
        return FrameEnded();
    }

    public int Feed(ReadOnlySpan<byte> data, out bool complete)
    {
        int consumed = 0;
        complete = false;
        while (consumed < data.Length)
        {
            if (!_inPayload)
            {
                consumed += TakeHeader(data[consumed..]);
                if (!_inPayload) return consumed; // header still incomplete
            }
            else
            {
                int take = (int)Math.Min(_remaining, data.Length - consumed);
                OnPayload(data.Slice(consumed, take));
                consumed += take;
                _remaining -= take;
            }
            if (_inPayload && _remaining == 0)
            {
                _inPayload = false;
                if (FrameEnded())
                {
                    complete = true;
                    return consumed;
                }
            }
        }
        return consumed;
    }

    private int TakeHeader(ReadOnlySpan<byte> data)
    {
        int taken = _frame.Take(data, out _inPayload);
        if (_inPayload) _remaining = _frame.PayloadLength;
        return taken;
    }

    private void OnPayload(ReadOnlySpan<byte> payload)
    {
        switch (_frame.Opcode)
        {
            case ClientFrames.Continuation or ClientFrames.Text or ClientFrames.Binary:
                PayloadBytes += payload.Length;
                if (completion == WsCompletion.PromptSuffix) _tail.Append(payload);
                break;
            case ClientFrames.Close:
                _frame.AppendClose(payload);
                break;
        }
    }

    /// <summary>True when the frame that just ended completes the reply.</summary>
    private bool FrameEnded()
    {
        switch (_frame.Opcode)
        {
            case ClientFrames.Continuation or ClientFrames.Text or ClientFrames.Binary:
                return completion switch
                {
                    WsCompletion.MessageEnd => _frame.Fin,
                    WsCompletion.PromptSuffix => _tail.EndsWithPrompt(),
                    _ => throw new IOException("a data message arrived where a pong was expected"),
                };
            case ClientFrames.Pong:
                return completion == WsCompletion.Pong;
            case ClientFrames.Ping:
                return false; // the server's keepalive; the next request proves we are alive
            case ClientFrames.Close:
                throw _frame.Closed();
            default:
                throw new IOException($"unknown opcode {_frame.Opcode}");
        }
    }
}
