using System.Buffers.Binary;
using System.Text;

namespace Websocketfy.Load.Wire;

/// <summary>The header of one unmasked server frame, gathered across reads (2, 4 or 10 bytes), and the
/// payload of a close frame (at most 125 bytes), which ends a measurement with its code and reason.</summary>
internal sealed class ServerFrameHeader
{
    private readonly byte[] _header = new byte[10];
    private readonly byte[] _closePayload = new byte[125];
    private int _filled;
    private int _closeFilled;

    public bool Fin { get; private set; }

    public int Opcode { get; private set; }

    public long PayloadLength { get; private set; }

    /// <summary>Takes header bytes from <paramref name="data"/>; returns how many. <paramref name="complete"/>
    /// once the whole header is in (the next call starts the next frame's).</summary>
    public int Take(ReadOnlySpan<byte> data, out bool complete)
    {
        int taken = 0;
        while (true)
        {
            int needed = _filled < 2 ? 2 : (_header[1] & 0x7F) switch { 126 => 4, 127 => 10, _ => 2 };
            if (_filled == needed)
            {
                if ((_header[1] & 0x80) != 0) throw new IOException("the server sent a masked frame");
                Fin = (_header[0] & 0x80) != 0;
                Opcode = _header[0] & 0x0F;
                PayloadLength = (_header[1] & 0x7F) switch
                {
                    126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)),
                    127 => (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)),
                    var length => length,
                };
                _filled = 0;
                _closeFilled = 0;
                complete = true;
                return taken;
            }
            complete = false;
            if (taken == data.Length) return taken;
            _header[_filled++] = data[taken++];
        }
    }

    /// <summary>Keeps the bytes of the current close frame's payload.</summary>
    public void AppendClose(ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(_closePayload.AsSpan(_closeFilled));
        _closeFilled += payload.Length;
    }

    /// <summary>What the close frame that just ended says, as the failure of the measurement it ended.</summary>
    public IOException Closed()
    {
        ReadOnlySpan<byte> payload = _closePayload.AsSpan(0, _closeFilled);
        int code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
        string reason = payload.Length > 2 ? Encoding.UTF8.GetString(payload[2..]) : "";
        return new IOException($"the server closed the connection: {code} {reason}".TrimEnd());
    }
}
