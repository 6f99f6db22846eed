using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Runs a frame stream through <see cref="MessageReceiver"/> twice (all bytes in one buffer,
/// then through a replica of the daemon's receive loop with its bounded buffer and compaction) and
/// checks the contract on every event, the two runs against each other, and both against the
/// generator's expectation. One instance reuses its buffers from case to case.</summary>
internal sealed class FuzzFrameOracle
{
    /// <summary>A close event may allocate its reason string (at most 123 UTF-8 bytes, so at most 123
    /// UTF-16 characters) and nothing else of size.</summary>
    public const int CloseAllocationAllowance = 512;

    private readonly FrameEventLog _wholeLog = new();
    private readonly FrameEventLog _splitLog = new();
    private byte[] _whole = new byte[4096];
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <param name="outcome">How the stream ended (for coverage statistics), set even on failure.</param>
    public string? Check(FrameFuzzInput input, out string outcome)
    {
        string? violation = RunWhole(input, _wholeLog);
        outcome = _wholeLog.End switch
        {
            FrameLogEnd.Close => "close",
            FrameLogEnd.Error => $"error {_wholeLog.ErrorStatus}",
            _ => "end of input",
        };
        if (violation is not null)
        {
            return "in one buffer: " + violation;
        }
        violation = RunSplit(input, _splitLog);
        if (violation is not null)
        {
            return "through the receive loop: " + violation;
        }

        bool utf8Failure = _wholeLog.End == FrameLogEnd.Error && _wholeLog.ErrorStatus == CloseStatus.InvalidPayload;
        violation = FrameEventLog.Difference(_wholeLog, _splitLog, utf8Failure ? OpenMessageRule.EitherIsPrefix : OpenMessageRule.Exact, compareReasons: true);
        if (violation is not null)
        {
            return "one buffer and the receive loop disagree: " + violation;
        }
        if (input.Expected is { } expected)
        {
            violation = FrameEventLog.Difference(expected, _splitLog, input.OpenRule, compareReasons: false);
            if (violation is not null)
            {
                return "the events differ from the grammar's: " + violation;
            }
        }
        return null;
    }

    private string? RunWhole(FrameFuzzInput input, FrameEventLog log)
    {
        log.Clear();
        if (_whole.Length < input.Stream.Length)
        {
            _whole = new byte[input.Stream.Length];
        }
        Span<byte> bytes = _whole.AsSpan(0, input.Stream.Length);
        input.Stream.CopyTo(bytes);

        var receiver = new MessageReceiver(input.MaxMessageSize);
        int position = 0;
        for (int events = 0; ; events++)
        {
            if (events > input.Stream.Length + 1)
            {
                return $"{events} events from {input.Stream.Length} bytes: the receiver makes no progress";
            }
            Span<byte> rest = bytes[position..];
            long before = GC.GetAllocatedBytesForCurrentThread();
            ReceiveEvent received = receiver.Next(rest, out int consumed);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            string? violation = Observe(received, rest, consumed, allocated, input.MaxMessageSize, log);
            if (violation is not null)
            {
                return $"at stream offset {position}: {violation}";
            }
            position += consumed;
            if (received.Kind == ReceiveEventKind.NeedMoreData)
            {
                log.EndWithInput(bytes.Length - position);
                return null;
            }
            if (log.End != FrameLogEnd.EndOfInput)
            {
                return CheckFinished(receiver, bytes[position..]);
            }
        }
    }

    /// <summary>The daemon's loop: a fixed receive buffer holding [start, end); events are taken until
    /// NeedMoreData, then the unconsumed tail (a partial header or control frame) moves to the front
    /// and the next read appends to it. Reads come in sizes the read seed chooses.</summary>
    private string? RunSplit(FrameFuzzInput input, FrameEventLog log)
    {
        log.Clear();
        var random = new FuzzRandom(input.ReadSeed);
        // Byte-at-a-time reads cost a call per byte: kept for streams short enough to stay cheap.
        int readMode = random.Below(10) switch
        {
            0 when input.Stream.Length <= 1024 => 0,
            < 4 => 1,
            < 7 => 2,
            _ => 3,
        };
        Span<byte> buffer = _buffer.AsSpan(0, input.BufferSize);
        var receiver = new MessageReceiver(input.MaxMessageSize);
        int start = 0, end = 0, streamPosition = 0, events = 0;
        while (true)
        {
            while (end > start)
            {
                if (++events > 2 * input.Stream.Length + 2)
                {
                    return $"{events} events from {input.Stream.Length} bytes: the receiver makes no progress";
                }
                Span<byte> unread = buffer[start..end];
                long before = GC.GetAllocatedBytesForCurrentThread();
                ReceiveEvent received = receiver.Next(unread, out int consumed);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                string? violation = Observe(received, unread, consumed, allocated, input.MaxMessageSize, log);
                if (violation is not null)
                {
                    return $"at stream offset {streamPosition - (end - start)}: {violation}";
                }
                start += consumed;
                if (received.Kind == ReceiveEventKind.NeedMoreData)
                {
                    break;
                }
                if (log.End != FrameLogEnd.EndOfInput)
                {
                    return CheckFinished(receiver, buffer[start..end]);
                }
            }

            if (start == end)
            {
                start = end = 0;
            }
            else if (start > 0)
            {
                buffer[start..end].CopyTo(buffer);
                end -= start;
                start = 0;
            }
            if (streamPosition == input.Stream.Length)
            {
                log.EndWithInput(end - start);
                return null;
            }
            if (end == buffer.Length)
            {
                return $"the receive buffer of {buffer.Length} bytes is full of unconsumed input and the receiver still needs more";
            }

            int size = readMode switch
            {
                0 => 1,
                1 => random.Between(1, 16),
                2 => random.Between(1, buffer.Length),
                _ => buffer.Length,
            };
            size = Math.Min(size, Math.Min(buffer.Length - end, input.Stream.Length - streamPosition));
            input.Stream.AsSpan(streamPosition, size).CopyTo(buffer[end..]);
            end += size;
            streamPosition += size;
        }
    }

    /// <summary>The rules one event must keep, then records it in the log.</summary>
    public static string? Observe(in ReceiveEvent received, ReadOnlySpan<byte> input, int consumed, long allocated, long maxMessageSize, FrameEventLog log)
    {
        if (consumed < 0 || consumed > input.Length)
        {
            return $"{received.Kind} consumed {consumed} of {input.Length} bytes";
        }
        long allowance = received.Kind == ReceiveEventKind.Close ? CloseAllocationAllowance : 0;
        if (allocated > allowance)
        {
            return $"{FuzzCampaign.AllocationTag} {received.Kind} allocated {allocated} bytes (allowed: {allowance})";
        }
        if (received.Kind is ReceiveEventKind.DataFragment or ReceiveEventKind.Ping or ReceiveEventKind.Pong or ReceiveEventKind.Close)
        {
            if (consumed == 0)
            {
                return $"{received.Kind} consumed nothing";
            }
            if (!received.Payload.IsEmpty && !(input[..consumed].Overlaps(received.Payload, out int offset) && offset >= 0 && offset + received.Payload.Length <= consumed))
            {
                return $"{received.Kind} payload does not lie within the {consumed} bytes consumed";
            }
        }

        switch (received.Kind)
        {
            case ReceiveEventKind.NeedMoreData:
                return input.Length - consumed >= MessageReceiver.MinimumBufferSize
                    ? $"NeedMoreData while {input.Length - consumed} unconsumed bytes are at hand (a header and a control frame fit in {MessageReceiver.MinimumBufferSize})"
                    : null;

            case ReceiveEventKind.DataFragment:
                return ObserveData(received, maxMessageSize, log);

            case ReceiveEventKind.Ping or ReceiveEventKind.Pong:
                if (received.Payload.Length > FrameLimits.MaxControlPayloadLength)
                {
                    return $"{received.Kind} with {received.Payload.Length} payload bytes";
                }
                log.AddControl(received.Kind, received.Payload);
                return null;

            case ReceiveEventKind.Close:
                string? closeViolation = CheckClose(received);
                if (closeViolation is not null)
                {
                    return closeViolation;
                }
                log.EndWithClose(received.CloseStatus, received.Payload);
                return null;

            case ReceiveEventKind.ProtocolError:
                if (received.ErrorStatus is not (CloseStatus.ProtocolError or CloseStatus.InvalidPayload or CloseStatus.MessageTooBig)
                    || string.IsNullOrEmpty(received.ErrorReason))
                {
                    return $"ProtocolError with status {received.ErrorStatus} and reason \"{received.ErrorReason}\"";
                }
                log.EndWithError(received.ErrorStatus, received.ErrorReason);
                return null;

            default:
                return $"event kind {(int)received.Kind} is not a ReceiveEventKind";
        }
    }

    private static string? ObserveData(in ReceiveEvent received, long maxMessageSize, FrameEventLog log)
    {
        if (received.MessageOpcode is not (Opcode.Text or Opcode.Binary))
        {
            return $"a data fragment of a {received.MessageOpcode} message";
        }
        if (received.Payload.IsEmpty && !received.EndOfMessage)
        {
            return "an empty data fragment that does not end its message";
        }
        if (log.OpenMessage.Length + (long)received.Payload.Length > maxMessageSize)
        {
            return $"a message of more than {maxMessageSize} bytes was delivered ({log.OpenMessage.Length + received.Payload.Length})";
        }
        if (received.EndOfMessage && received.MessageOpcode == Opcode.Text)
        {
            // Checked whole, independently of the receiver's incremental validator.
            int total = log.OpenMessage.Length + received.Payload.Length;
            bool valid = log.OpenMessage.Length == 0 ? Utf8.IsValid(received.Payload) : IsValidJoined(log.OpenMessage, received.Payload);
            if (!valid)
            {
                return $"a text message of {total} bytes that is not valid UTF-8 was delivered";
            }
        }
        return log.AppendData(received.MessageOpcode, received.Payload, received.EndOfMessage);
    }

    private static bool IsValidJoined(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        byte[] joined = new byte[first.Length + second.Length];
        first.CopyTo(joined);
        second.CopyTo(joined.AsSpan(first.Length));
        return Utf8.IsValid(joined);
    }

    /// <summary>RFC 6455 section 5.5.1 and 7.4, read independently of <see cref="CloseStatus.IsValidOnWire"/>.</summary>
    private static string? CheckClose(in ReceiveEvent received)
    {
        ReadOnlySpan<byte> payload = received.Payload;
        if (payload.Length > FrameLimits.MaxControlPayloadLength || payload.Length == 1)
        {
            return $"Close with a payload of {payload.Length} bytes";
        }
        if (payload.IsEmpty)
        {
            return received.CloseStatus is null && received.CloseReason.Length == 0 ? null : "an empty Close with a status or reason";
        }
        ushort status = BinaryPrimitives.ReadUInt16BigEndian(payload);
        bool statusAllowed = status is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
        if (received.CloseStatus != status || !statusAllowed)
        {
            return $"Close reported status {received.CloseStatus} for payload status {status}";
        }
        ReadOnlySpan<byte> reason = payload[2..];
        if (!Utf8.IsValid(reason) || received.CloseReason != Encoding.UTF8.GetString(reason))
        {
            return $"Close reason \"{received.CloseReason}\" for reason bytes {Convert.ToHexString(reason)}";
        }
        return null;
    }

    /// <summary>After Close or ProtocolError, any further call is a ProtocolError 1002 that consumes nothing.</summary>
    private static string? CheckFinished(MessageReceiver receiver, Span<byte> rest)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            Span<byte> input = attempt == 0 ? rest : [];
            ReceiveEvent again = receiver.Next(input, out int consumed);
            if (again.Kind != ReceiveEventKind.ProtocolError || again.ErrorStatus != CloseStatus.ProtocolError || consumed != 0)
            {
                return $"after the receiver finished, Next over {input.Length} bytes returned {again.Kind} {again.ErrorStatus} and consumed {consumed}";
            }
        }
        return null;
    }
}
