namespace Websocketfy.Load.Wire;

/// <summary>The last bytes of a stream, enough to see whether it ends with SiREN's prompt
/// (which may in principle arrive split over two reads or two frames).</summary>
internal sealed class PromptTail
{
    public static ReadOnlySpan<byte> Prompt => "Siren::SQL> "u8;

    private readonly byte[] _tail = new byte[Prompt.Length];
    private int _count;

    public void Clear() => _count = 0;

    public void Append(ReadOnlySpan<byte> data)
    {
        int size = _tail.Length;
        if (data.Length >= size)
        {
            data[^size..].CopyTo(_tail);
            _count = size;
            return;
        }
        int keep = Math.Min(_count, size - data.Length);
        _tail.AsSpan(_count - keep, keep).CopyTo(_tail);
        data.CopyTo(_tail.AsSpan(keep));
        _count = keep + data.Length;
    }

    public bool EndsWithPrompt() => _tail.AsSpan(0, _count).SequenceEqual(Prompt);
}
