using System.Buffers.Text;
using System.Text;

namespace Websocketfy.Load.Wire;

/// <summary>An HTTP/1.1 response with Content-Length (nginx serving a static file): the head is
/// collected in a small buffer, the body only counted.</summary>
internal sealed class HttpReplyReader : IReplyReader
{
    private readonly byte[] _head = new byte[8192];
    private int _headFilled;
    private long _bodyRemaining = -1;

    public long PayloadBytes { get; private set; }

    public void Reset()
    {
        _headFilled = 0;
        _bodyRemaining = -1;
        PayloadBytes = 0;
    }

    public long Skippable => Math.Max(0, _bodyRemaining);

    public bool Skip(long count)
    {
        if (count > Skippable) throw new ArgumentOutOfRangeException(nameof(count));
        _bodyRemaining -= count;
        PayloadBytes += count;
        return _bodyRemaining == 0;
    }

    public int Feed(ReadOnlySpan<byte> data, out bool complete)
    {
        int consumed = 0;
        if (_bodyRemaining < 0)
        {
            int copy = Math.Min(data.Length, _head.Length - _headFilled);
            data[..copy].CopyTo(_head.AsSpan(_headFilled));
            int searchFrom = Math.Max(0, _headFilled - 3);
            _headFilled += copy;
            int end = _head.AsSpan(searchFrom, _headFilled - searchFrom).IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                if (_headFilled == _head.Length) throw new IOException("HTTP response head larger than 8 KiB");
                complete = false;
                return data.Length;
            }
            int headLength = searchFrom + end + 4;
            consumed = headLength - (_headFilled - copy);
            _bodyRemaining = ParseHead(_head.AsSpan(0, headLength));
        }
        int take = (int)Math.Min(_bodyRemaining, data.Length - consumed);
        _bodyRemaining -= take;
        PayloadBytes += take;
        consumed += take;
        complete = _bodyRemaining == 0;
        return consumed;
    }

    private static long ParseHead(ReadOnlySpan<byte> head)
    {
        if (!head.StartsWith("HTTP/1.1 200 "u8))
        {
            int lineEnd = head.IndexOf("\r\n"u8);
            throw new IOException($"HTTP status: {Encoding.ASCII.GetString(head[..Math.Max(lineEnd, 0)])}");
        }
        ReadOnlySpan<byte> name = "\r\ncontent-length:"u8;
        for (int i = 0; i + name.Length < head.Length; i++)
        {
            if (!Ascii.EqualsIgnoreCase(head.Slice(i, name.Length), name)) continue;
            ReadOnlySpan<byte> value = head[(i + name.Length)..];
            value = value[..value.IndexOf("\r\n"u8)].Trim((byte)' ');
            if (Utf8Parser.TryParse(value, out long length, out _)) return length;
        }
        throw new IOException("HTTP response without Content-Length");
    }
}
