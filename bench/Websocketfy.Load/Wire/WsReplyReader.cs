using System.Buffers.Binary;
using System.Text;

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
    private readonly byte[] _header = new byte[14];
    private readonly byte[] _closePayload = new byte[125];
    private readonly PromptTail _tail = new();
    private int _headerFilled;
    private bool _inPayload;
    private int _opcode;
    private bool _fin;
    private long _remaining;
    private int _closeFilled;

    public long PayloadBytes { get; private set; }

    public void Reset()
    {
        PayloadBytes = 0;
        _tail.Clear();
    }

    public long Skippable => _inPayload && completion == WsCompletion.MessageEnd && _opcode is ClientFrames.Continuation or ClientFrames.Binary or ClientFrames.Text
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
        int taken = 0;
        while (true)
        {
            int needed = _headerFilled < 2 ? 2 : (_header[1] & 0x7F) switch { 126 => 4, 127 => 10, _ => 2 };
            if (_headerFilled == needed)
            {
                if ((_header[1] & 0x80) != 0) throw new IOException("the server sent a masked frame");
                _fin = (_header[0] & 0x80) != 0;
                _opcode = _header[0] & 0x0F;
                _remaining = (_header[1] & 0x7F) switch
                {
                    126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
                    127 => (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)),
                    var length => length,
                };
                _headerFilled = 0;
                _closeFilled = 0;
                _inPayload = true;
                return taken;
            }
            if (taken == data.Length) return taken;
            _header[_headerFilled++] = data[taken++];
        }
    }

    private void OnPayload(ReadOnlySpan<byte> payload)
    {
        switch (_opcode)
        {
            case ClientFrames.Continuation or ClientFrames.Text or ClientFrames.Binary:
                PayloadBytes += payload.Length;
                if (completion == WsCompletion.PromptSuffix) _tail.Append(payload);
                break;
            case ClientFrames.Close:
                payload.CopyTo(_closePayload.AsSpan(_closeFilled));
                _closeFilled += payload.Length;
                break;
        }
    }

    /// <summary>True when the frame that just ended completes the reply.</summary>
    private bool FrameEnded()
    {
        switch (_opcode)
        {
            case ClientFrames.Continuation or ClientFrames.Text or ClientFrames.Binary:
                return completion switch
                {
                    WsCompletion.MessageEnd => _fin,
                    WsCompletion.PromptSuffix => _tail.EndsWithPrompt(),
                    _ => throw new IOException("a data message arrived where a pong was expected"),
                };
            case ClientFrames.Pong:
                return completion == WsCompletion.Pong;
            case ClientFrames.Ping:
                return false; // the server's keepalive; the next request proves we are alive
            case ClientFrames.Close:
                int code = _closeFilled >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(_closePayload) : 1005;
                string reason = _closeFilled > 2 ? Encoding.UTF8.GetString(_closePayload, 2, _closeFilled - 2) : "";
                throw new IOException($"the server closed the connection: {code} {reason}".TrimEnd());
            default:
                throw new IOException($"unknown opcode {_opcode}");
        }
    }
}
