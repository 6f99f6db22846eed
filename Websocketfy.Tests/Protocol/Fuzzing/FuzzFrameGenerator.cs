using System.Buffers.Binary;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;
using static Websocketfy.Tests.Protocol.Fuzzing.FuzzFrameWriter;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Builds frame streams from a grammar of what a client may send (data messages of both
/// kinds, fragmented anywhere, control frames between fragments, a closing handshake), ends some of
/// them with one deliberate violation, and mutates some byte-wise. While writing it records the events
/// a correct receiver reports, so unmutated streams get a differential check.</summary>
internal sealed class FuzzFrameGenerator
{
    /// <summary>Keeps the cases of this target apart from other targets run with the same seed.</summary>
    public const ulong RandomStream = 0x4652_414D_4553; // "FRAMES"

    private static readonly long[] MaxMessageSizes = [0, 1, 7, 125, 126, 1000, 65535, 65536, 1 << 20, long.MaxValue];

    private static readonly ushort[] ValidCloseStatuses = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

    private static readonly ushort[] InvalidCloseStatuses = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];

    /// <summary>Invalid UTF-8 and, for each, the offset of the first byte that rules out every valid
    /// continuation (where a validator that fails as early as possible fails). -1: only the end of
    /// the message proves it invalid (a truncated sequence, when it ends the message).</summary>
    private static readonly (byte[] Bytes, int RuledOutAt)[] BadUtf8 =
    [
        ([0xFF], 0), ([0xC0, 0x80], 0), ([0xC1, 0xBF], 0), ([0x80], 0), ([0xBF], 0), ([0xF5, 0x80, 0x80, 0x80], 0),
        ([0xC2, 0x41], 1), ([0xE0, 0x80, 0x80], 1), ([0xED, 0xA0, 0x80], 1), ([0xF4, 0x90, 0x80, 0x80], 1),
        ([0xF0, 0x80, 0x80, 0x80], 1), ([0xE2, 0x28, 0xA1], 1), ([0xF0, 0x9F, 0x98], -1), ([0xE2, 0x82], -1), ([0xC3], -1),
    ];

    private static readonly int[] ReservedOpcodes = [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF];

    private readonly List<byte> _stream = [];
    private readonly List<int> _frameStarts = [];
    private FrameEventLog _expected = new();
    private FuzzRandom _random;
    private long _max;
    private OpenMessageRule _openRule;

    public FrameFuzzInput Generate(ulong seed, long caseIndex)
    {
        _random = FuzzRandom.ForCase(seed, RandomStream, caseIndex);
        _stream.Clear();
        _frameStarts.Clear();
        _expected = new FrameEventLog();
        _openRule = OpenMessageRule.Exact;
        _max = _random.Pick(MaxMessageSizes);

        for (int items = _random.Between(0, 6); items > 0; items--)
        {
            int roll = _random.Below(100);
            if (roll < 60)
            {
                WriteMessage(_random.Percent(50) ? Opcode.Text : Opcode.Binary, final: true);
            }
            else
            {
                WriteControl(roll < 80 ? Opcode.Ping : Opcode.Pong);
            }
        }

        int ending = _random.Below(100);
        FrameViolation violation = FrameViolation.None;
        if (ending < 30)
        {
            WriteClose();
        }
        else if (ending < 65)
        {
            violation = WriteViolation();
        }
        else
        {
            _expected.EndWithInput(0);
        }
        if (ending < 65 && _random.Percent(40))
        {
            // Bytes after the end the receiver must never look at.
            _stream.AddRange(RandomBytes(_random.Between(1, 64), ref _random));
        }

        int mutations = _random.Percent(45) ? _random.Between(1, 6) : 0;
        for (int i = 0; i < mutations; i++)
        {
            Mutate();
        }

        int bufferSize = _random.Below(10) switch
        {
            < 3 => MessageReceiver.MinimumBufferSize,
            < 6 => _random.Between(MessageReceiver.MinimumBufferSize, 512),
            < 8 => 4096,
            _ => 16 * 1024,
        };
        string origin = $"{violation}, {_frameStarts.Count} frames, {mutations} mutations";
        return new FrameFuzzInput(
            _stream.ToArray(), _max, bufferSize, _random.NextUInt64(), mutations == 0 ? _expected : null, _openRule, origin);
    }

    private int MessageLength()
    {
        // Rarely long enough for the 64-bit length form: such messages cost more than all the rest.
        long longest = Math.Min(_max, _random.Below(200) == 0 ? 70_000 : 2_000);
        // Now and then exactly the limit (when it is small enough to write): the edge of "too big".
        return (int)(_random.Percent(5) ? longest : _random.SkewedLength(longest));
    }

    private byte[] Payload(Opcode opcode, int length) =>
        opcode == Opcode.Text ? RandomUtf8(length, ref _random) : RandomBytes(length, ref _random);

    /// <param name="final">False leaves the message open (its last fragment has FIN=0).</param>
    /// <param name="ruledOutAt">For a text message with invalid UTF-8: the offset where the receiver
    /// fails, so control frames after that point are not expected.</param>
    private void WriteMessage(Opcode opcode, bool final, byte[]? payload = null, int ruledOutAt = int.MaxValue)
    {
        payload ??= Payload(opcode, MessageLength());
        int fragments = _random.Percent(60) ? 1 : _random.Between(2, 6);
        Span<int> cuts = stackalloc int[fragments + 1];
        cuts[fragments] = payload.Length;
        for (int i = 1; i < fragments; i++)
        {
            cuts[i] = _random.Between(0, payload.Length);
        }
        cuts[1..fragments].Sort();

        for (int i = 0; i < fragments; i++)
        {
            bool last = i == fragments - 1;
            byte first = FirstByte(fin: final && last, rsv: 0, (int)(i == 0 ? opcode : Opcode.Continuation));
            Write(_stream, _frameStarts, ref _random, first, masked: true, payload.AsSpan(cuts[i], cuts[i + 1] - cuts[i]));
            if ((!last || !final) && _random.Percent(30))
            {
                WriteControl(_random.Percent(60) ? Opcode.Ping : Opcode.Pong, expected: cuts[i + 1] <= ruledOutAt);
            }
        }
        if (ruledOutAt != int.MaxValue)
        {
            _expected.AppendData(opcode, payload, endOfMessage: false);
            _openRule = OpenMessageRule.ActualIsPrefix;
        }
        else
        {
            _expected.AppendData(opcode, payload, endOfMessage: final);
        }
    }

    private void WriteControl(Opcode opcode, bool expected = true)
    {
        byte[] payload = RandomBytes((int)_random.SkewedLength(FrameLimits.MaxControlPayloadLength), ref _random);
        Write(_stream, _frameStarts, ref _random, FirstByte(fin: true, rsv: 0, (int)opcode), masked: true, payload);
        if (expected)
        {
            _expected.AddControl(opcode == Opcode.Ping ? ReceiveEventKind.Ping : ReceiveEventKind.Pong, payload);
        }
    }

    private void WriteClose()
    {
        if (_random.Percent(30))
        {
            // A close may come between two fragments of a message (RFC 6455 section 5.4).
            Opcode opcode = _random.Percent(50) ? Opcode.Text : Opcode.Binary;
            WriteMessage(opcode, final: false, Payload(opcode, MessageLength()));
        }
        if (_random.Percent(25))
        {
            Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)Opcode.Close), masked: true, []);
            _expected.EndWithClose(null, []);
            return;
        }
        ushort status = _random.Pick(ValidCloseStatuses);
        byte[] payload = ClosePayload(status, RandomUtf8((int)_random.SkewedLength(CloseStatus.MaxReasonLength), ref _random));
        Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)Opcode.Close), masked: true, payload);
        _expected.EndWithClose(status, payload);
    }

    private static byte[] ClosePayload(ushort status, ReadOnlySpan<byte> reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, status);
        reason.CopyTo(payload.AsSpan(2));
        return payload;
    }

    /// <summary>Ends the stream with one broken rule (a fragmented message may be open before it).</summary>
    private FrameViolation WriteViolation()
    {
        var violation = (FrameViolation)_random.Between(1, Enum.GetValues<FrameViolation>().Length - 1);
        bool feasible = violation switch
        {
            FrameViolation.MessageTooBig => _max < long.MaxValue,
            FrameViolation.InvalidUtf8 => _max >= 4,
            _ => true,
        };
        if (!feasible)
        {
            violation = FrameViolation.Unmasked;
        }

        bool openFirst = violation switch
        {
            FrameViolation.DataInsideFragmentedMessage => true,
            FrameViolation.ContinuationWithoutMessage or FrameViolation.InvalidUtf8 => false,
            _ => _random.Percent(40),
        };
        Opcode openOpcode = _random.Percent(50) ? Opcode.Text : Opcode.Binary;
        int openLength = 0;
        if (openFirst)
        {
            openLength = MessageLength();
            WriteMessage(openOpcode, final: false, Payload(openOpcode, openLength));
        }

        ushort code = CloseStatus.ProtocolError;
        switch (violation)
        {
            case FrameViolation.Unmasked:
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)AnyValidOpcode(openFirst)), masked: false, Payload(Opcode.Binary, 8));
                break;
            case FrameViolation.RsvSet:
                Write(_stream, _frameStarts, ref _random, FirstByte(true, _random.Between(1, 7), (int)AnyValidOpcode(openFirst)), masked: true, Payload(Opcode.Binary, 8));
                break;
            case FrameViolation.ReservedOpcode:
                Write(_stream, _frameStarts, ref _random, FirstByte(_random.Percent(50), 0, _random.Pick(ReservedOpcodes)), masked: true, Payload(Opcode.Binary, 8));
                break;
            case FrameViolation.FragmentedControl:
                Write(_stream, _frameStarts, ref _random, FirstByte(false, 0, (int)AnyControlOpcode()), masked: true, Payload(Opcode.Binary, 4));
                break;
            case FrameViolation.ControlTooLong:
                long declared = _random.Pick<long>([126, 127, 200, 65535, 70_000]);
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)AnyControlOpcode()), masked: true,
                    Payload(Opcode.Binary, (int)Math.Min(declared, 130)), declaredLength: declared);
                break;
            case FrameViolation.ContinuationWithoutMessage:
                Write(_stream, _frameStarts, ref _random, FirstByte(_random.Percent(50), 0, (int)Opcode.Continuation), masked: true, Payload(Opcode.Binary, 8));
                break;
            case FrameViolation.DataInsideFragmentedMessage:
                Opcode fresh = _random.Percent(50) ? Opcode.Text : Opcode.Binary;
                Write(_stream, _frameStarts, ref _random, FirstByte(_random.Percent(50), 0, (int)fresh), masked: true, Payload(fresh, 8));
                break;
            case FrameViolation.MessageTooBig:
                code = CloseStatus.MessageTooBig;
                long room = _max - openLength;
                long tooBig = room + 1 + _random.SkewedLength(Math.Min(long.MaxValue - room - 1, 1 << 20));
                Opcode opcode = openFirst ? Opcode.Continuation : _random.Percent(50) ? Opcode.Text : Opcode.Binary;
                Write(_stream, _frameStarts, ref _random, FirstByte(_random.Percent(50), 0, (int)opcode), masked: true,
                    Payload(Opcode.Binary, (int)Math.Min(tooBig, 16)), declaredLength: tooBig);
                break;
            case FrameViolation.LengthTopBitSet:
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)AnyValidOpcode(openFirst)), masked: _random.Percent(80),
                    Payload(Opcode.Binary, 8), declaredLength: _random.SkewedLength(long.MaxValue), topBitSet: true);
                break;
            case FrameViolation.InvalidUtf8:
                code = CloseStatus.InvalidPayload;
                WriteInvalidText();
                break;
            case FrameViolation.CloseOneByte:
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)Opcode.Close), masked: true, [_random.NextByte()]);
                break;
            case FrameViolation.CloseStatusInvalid:
                byte[] reason = RandomUtf8((int)_random.SkewedLength(20), ref _random);
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)Opcode.Close), masked: true,
                    ClosePayload(_random.Pick(InvalidCloseStatuses), reason));
                break;
            case FrameViolation.CloseReasonInvalidUtf8:
                code = CloseStatus.InvalidPayload;
                byte[] valid = RandomUtf8((int)_random.SkewedLength(100), ref _random);
                byte[] bad = _random.Pick(BadUtf8).Bytes;
                int at = _random.Between(0, valid.Length);
                byte[] text = [.. valid.AsSpan(0, at), .. bad, .. valid.AsSpan(at)];
                Write(_stream, _frameStarts, ref _random, FirstByte(true, 0, (int)Opcode.Close), masked: true,
                    ClosePayload(_random.Pick(ValidCloseStatuses), text));
                break;
        }
        _expected.EndWithError(code, "");
        return violation;
    }

    /// <summary>A text message, valid but for one bad sequence, fragmented like any other.</summary>
    private void WriteInvalidText()
    {
        (byte[] bad, int ruledOutAt) = _random.Pick(BadUtf8);
        int room = (int)Math.Min(_max, 2_000) - bad.Length;
        byte[] before = RandomUtf8(_random.Between(0, room), ref _random);
        // A truncated sequence is only invalid at the message's end or before the next lead byte.
        byte[] after = RandomUtf8(_random.Between(0, room - before.Length), ref _random);
        byte[] payload = [.. before, .. bad, .. after];
        int failsAt = ruledOutAt >= 0 ? before.Length + ruledOutAt
            : after.Length == 0 ? payload.Length
            : before.Length + bad.Length;
        WriteMessage(Opcode.Text, final: true, payload, failsAt);
    }

    private Opcode AnyValidOpcode(bool messageOpen) => _random.Below(5) switch
    {
        0 => messageOpen ? Opcode.Continuation : Opcode.Text,
        1 => messageOpen ? Opcode.Continuation : Opcode.Binary,
        _ => AnyControlOpcode(),
    };

    private Opcode AnyControlOpcode() => _random.Below(3) switch
    {
        0 => Opcode.Ping,
        1 => Opcode.Pong,
        _ => Opcode.Close,
    };

    /// <summary>Format-blind mutations, or a header field of one frame changed.</summary>
    private void Mutate()
    {
        if (_frameStarts.Count == 0 || _random.Percent(50))
        {
            FuzzByteMutator.MutateOnce(_stream, ref _random);
            return;
        }
        int start = _random.Pick(_frameStarts);
        if (start + 1 >= _stream.Count)
        {
            return;
        }
        switch (_random.Below(6))
        {
            case 0:
                _stream[start] ^= 0x80; // FIN
                break;
            case 1:
                _stream[start] ^= (byte)(_random.Between(1, 7) << 4); // RSV
                break;
            case 2:
                _stream[start] = (byte)((_stream[start] & 0xF0) | _random.Below(16)); // opcode
                break;
            case 3:
                _stream[start + 1] ^= 0x80; // MASK
                break;
            case 4:
                _stream[start + 1] = (byte)((_stream[start + 1] & 0x80) | _random.Below(128)); // 7-bit length
                break;
            default:
                // Extended length bytes (or mask key or payload, when the frame has none).
                for (int i = start + 2; i < Math.Min(start + 10, _stream.Count); i++)
                {
                    _stream[i] = _random.Percent(50) ? _random.NextByte() : _random.Pick<byte>([0x00, 0x7F, 0x80, 0xFF]);
                }
                break;
        }
    }
}
