using System.Buffers.Binary;
using System.Text.Json;

namespace Websocketfy.Load.Wire;

/// <summary>What one complete server message of a websocketfy.v2 connection was.</summary>
internal enum V2Event
{
    /// <summary>Nothing complete yet: feed more bytes.</summary>
    None,

    /// <summary>A get's start message (<see cref="V2FrameReader.Length"/> holds its "length").</summary>
    Start,

    /// <summary>A final message ("ok" true or false; <see cref="V2FrameReader.Ok"/>).</summary>
    Final,

    /// <summary>A binary data message ended (<see cref="V2FrameReader.ChunkBytes"/> file bytes of request <see cref="V2FrameReader.Id"/>).</summary>
    Chunk,
}

/// <summary>
/// Reads the server frames of a websocketfy.v2 connection incrementally and reports each complete
/// message: text messages are recognised from their first bytes (the server writes "id" first, then
/// "ok" or "start"), binary data messages from their 12-byte prefix; file bytes after the prefix are
/// counted, not copied (the driver drops them in the kernel, <see cref="Skippable"/>). One buffer of
/// <see cref="HeadRoom"/> bytes for a text message's head, allocated once; nothing per message.
/// </summary>
internal sealed class V2FrameReader
{
    /// <summary>Bytes of a text message kept for parsing: enough for every start and for the head of a final message.</summary>
    public const int HeadRoom = 512;

    private readonly ServerFrameHeader _frame = new();
    private readonly byte[] _head = new byte[HeadRoom];
    private readonly byte[] _prefix = new byte[12];
    private bool _inPayload;
    private int _messageOpcode;
    private long _remaining;
    private int _headFilled;
    private int _prefixFilled;

    /// <summary>The request the last complete message (or the current chunk) belongs to.</summary>
    public int Id { get; private set; }

    /// <summary>Of a <see cref="V2Event.Final"/>: true for "ok": true.</summary>
    public bool Ok { get; private set; }

    /// <summary>Of a <see cref="V2Event.Final"/> with "ok": false: the error code.</summary>
    public string? ErrorCode { get; private set; }

    /// <summary>Of a <see cref="V2Event.Start"/>: the bytes that will follow.</summary>
    public long Length { get; private set; }

    /// <summary>File bytes of the current (or just ended) data message.</summary>
    public long ChunkBytes { get; private set; }

    /// <summary>The rest of a data message's file bytes: the driver may drop them unread.</summary>
    public long Skippable => _inPayload && _messageOpcode == ClientFrames.Binary && _prefixFilled == _prefix.Length
        && _frame.Opcode is ClientFrames.Binary or ClientFrames.Continuation ? _remaining : 0;

    /// <summary>Accounts for bytes dropped unread (at most <see cref="Skippable"/>).</summary>
    public V2Event Skip(long count)
    {
        if (count > Skippable) throw new ArgumentOutOfRangeException(nameof(count));
        ChunkBytes += count;
        _remaining -= count;
        return _remaining > 0 ? V2Event.None : FrameEnded();
    }

    /// <summary>Eats bytes up to the end of the first complete message; <paramref name="consumed"/> says how many.</summary>
    public V2Event Feed(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        while (consumed < data.Length)
        {
            if (!_inPayload)
            {
                consumed += TakeHeader(data[consumed..]);
                if (!_inPayload) return V2Event.None;
            }
            else
            {
                int take = (int)Math.Min(_remaining, data.Length - consumed);
                OnPayload(data.Slice(consumed, take));
                consumed += take;
                _remaining -= take;
            }
            if (_remaining == 0)
            {
                var ended = FrameEnded();
                if (ended != V2Event.None) return ended;
            }
        }
        return V2Event.None;
    }

    private int TakeHeader(ReadOnlySpan<byte> data)
    {
        int taken = _frame.Take(data, out _inPayload);
        if (!_inPayload) return taken;
        _remaining = _frame.PayloadLength;
        if (_frame.Opcode is ClientFrames.Text or ClientFrames.Binary)
        {
            _messageOpcode = _frame.Opcode;
            _headFilled = 0;
            _prefixFilled = 0;
            ChunkBytes = 0;
        }
        return taken;
    }

    private void OnPayload(ReadOnlySpan<byte> payload)
    {
        switch (_frame.Opcode)
        {
            case ClientFrames.Text or ClientFrames.Binary or ClientFrames.Continuation when _messageOpcode == ClientFrames.Text:
                int keep = Math.Min(payload.Length, _head.Length - _headFilled);
                payload[..keep].CopyTo(_head.AsSpan(_headFilled));
                _headFilled += keep;
                break;
            case ClientFrames.Text or ClientFrames.Binary or ClientFrames.Continuation:
                int prefix = Math.Min(payload.Length, _prefix.Length - _prefixFilled);
                payload[..prefix].CopyTo(_prefix.AsSpan(_prefixFilled));
                _prefixFilled += prefix;
                if (_prefixFilled == _prefix.Length && prefix > 0) Id = BinaryPrimitives.ReadInt32BigEndian(_prefix);
                ChunkBytes += payload.Length - prefix;
                break;
            case ClientFrames.Close:
                _frame.AppendClose(payload);
                break;
        }
    }

    private V2Event FrameEnded()
    {
        _inPayload = false;
        switch (_frame.Opcode)
        {
            case ClientFrames.Text or ClientFrames.Binary or ClientFrames.Continuation:
                if (!_frame.Fin) return V2Event.None;
                if (_messageOpcode == ClientFrames.Binary)
                {
                    if (_prefixFilled < _prefix.Length) throw new IOException("a v2 data message shorter than its 12-byte prefix");
                    return V2Event.Chunk;
                }
                return ParseHead();
            case ClientFrames.Ping or ClientFrames.Pong:
                return V2Event.None; // keepalive
            case ClientFrames.Close:
                throw _frame.Closed();
            default:
                throw new IOException($"unknown opcode {_frame.Opcode}");
        }
    }

    /// <summary>The id, and "ok" (with the error code) or "start" (with its length), from the message's head.</summary>
    private V2Event ParseHead()
    {
        var json = new Utf8JsonReader(_head.AsSpan(0, _headFilled), isFinalBlock: false, state: default);
        Id = 0;
        Ok = false;
        ErrorCode = null;
        var found = V2Event.None;
        try
        {
            while (json.Read())
            {
                if (json.TokenType != JsonTokenType.PropertyName || json.CurrentDepth > 2) continue;
                if (json.CurrentDepth == 1 && json.ValueTextEquals("id"u8) && json.Read())
                    Id = json.TokenType == JsonTokenType.Number ? json.GetInt32() : 0;
                else if (json.CurrentDepth == 1 && json.ValueTextEquals("ok"u8) && json.Read())
                {
                    Ok = json.TokenType == JsonTokenType.True;
                    found = V2Event.Final;
                    if (Ok) return found;
                }
                else if (json.CurrentDepth == 1 && json.ValueTextEquals("start"u8))
                    found = V2Event.Start;
                else if (json.CurrentDepth == 2 && found == V2Event.Start && json.ValueTextEquals("length"u8) && json.Read())
                {
                    Length = json.GetInt64();
                    return found;
                }
                else if (json.CurrentDepth == 2 && found == V2Event.Final && json.ValueTextEquals("code"u8) && json.Read())
                {
                    ErrorCode = json.GetString();
                    return found;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new IOException($"a v2 text message that is not JSON: {ex.Message}");
        }
        if (found == V2Event.None) throw new IOException("a v2 text message with neither \"ok\" nor \"start\" in its first bytes");
        return found;
    }
}
