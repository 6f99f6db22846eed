using BenchmarkDotNet.Attributes;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Bench;

/// <summary>
/// MessageReceiver.Next over a buffer of many masked client frames (header rules, unmasking,
/// UTF-8 for text), against copying the same bytes, which every run does first anyway because
/// Next unmasks in place. Size is the total bytes per run; frames are FrameSize bytes of payload.
/// </summary>
public class ReceiveBenchmarks
{
    private const int Size = 64 * 1024;

    private byte[] _wire = [];
    private byte[] _buffer = [];

    [Params(64, 4096)]
    public int FrameSize { get; set; }

    [Params(Opcode.Binary, Opcode.Text)]
    public Opcode MessageOpcode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var wire = new List<byte>();
        byte[] payload = new byte[FrameSize];
        // ASCII, the common case for SQL commands.
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + i % 26);
        }
        byte[] header = new byte[FrameHeaderCodec.MaxHeaderLength];
        while (wire.Count < Size)
        {
            int headerLength = FrameHeaderCodec.WriteServerHeader(header, MessageOpcode, fin: true, FrameSize);
            header[1] |= 0x80; // the mask bit; a zero key leaves the payload as it is
            wire.AddRange(header[..headerLength]);
            wire.AddRange(new byte[4]);
            wire.AddRange(payload);
        }
        _wire = [.. wire];
        _buffer = new byte[_wire.Length];
    }

    [Benchmark(Baseline = true)]
    public void CopyOnly() => _wire.CopyTo(_buffer, 0);

    [Benchmark]
    public long CopyAndReceive()
    {
        _wire.CopyTo(_buffer, 0);
        var receiver = new MessageReceiver(1 << 20);
        Span<byte> input = _buffer;
        long delivered = 0;
        while (true)
        {
            ReceiveEvent e = receiver.Next(input, out int consumed);
            if (e.Kind != ReceiveEventKind.DataFragment)
            {
                return delivered;
            }
            delivered += e.Payload.Length;
            input = input[consumed..];
        }
    }
}
