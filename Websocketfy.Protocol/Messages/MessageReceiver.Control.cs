using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Protocol.Messages;

/// <summary>Control frames: Ping, Pong and Close, each reported whole.</summary>
public sealed partial class MessageReceiver
{
    public const string CloseOneByte = "close payload of one byte";
    public const string CloseStatusInvalid = "close status not valid on the wire";
    public const string CloseReasonInvalidUtf8 = "close reason is not valid UTF-8";

    /// <summary>The header passed <see cref="ClientFrameRules"/>, so the payload is at most 125 bytes.</summary>
    private ReceiveEvent ReadControlFrame(Span<byte> input, scoped in FrameHeader header, scoped ref int consumed)
    {
        int payloadLength = (int)header.PayloadLength;
        int frameLength = header.HeaderLength + payloadLength;
        if (input.Length - consumed < frameLength)
        {
            return ReceiveEvent.NeedMoreData();
        }

        Span<byte> payload = input.Slice(consumed + header.HeaderLength, payloadLength);
        Masking.Apply(payload, header.MaskKey, 0);
        consumed += frameLength;

        return header.Opcode switch
        {
            Opcode.Ping => ReceiveEvent.Control(ReceiveEventKind.Ping, payload),
            Opcode.Pong => ReceiveEvent.Control(ReceiveEventKind.Pong, payload),
            _ => ReadClose(payload),
        };
    }

    /// <summary>RFC 6455 5.5.1: empty, or a 2-byte status valid on the wire then a UTF-8 reason.</summary>
    private ReceiveEvent ReadClose(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            _finished = true;
            return ReceiveEvent.Close(payload, status: null, reason: "");
        }
        if (payload.Length == 1)
        {
            return Fail(CloseStatus.ProtocolError, CloseOneByte);
        }

        ushort status = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!CloseStatus.IsValidOnWire(status))
        {
            return Fail(CloseStatus.ProtocolError, CloseStatusInvalid);
        }
        ReadOnlySpan<byte> reasonBytes = payload[2..];
        if (!Utf8.IsValid(reasonBytes))
        {
            return Fail(CloseStatus.InvalidPayload, CloseReasonInvalidUtf8);
        }

        _finished = true;
        string reason = reasonBytes.IsEmpty ? "" : Encoding.UTF8.GetString(reasonBytes);
        return ReceiveEvent.Close(payload, status, reason);
    }
}
