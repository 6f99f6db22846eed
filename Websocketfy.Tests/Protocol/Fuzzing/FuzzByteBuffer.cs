namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>An append-only byte buffer reused across cases, so recording events costs no allocation
/// once it has grown to the largest case.</summary>
internal sealed class FuzzByteBuffer
{
    private byte[] _bytes = new byte[256];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Count);

    public ReadOnlySpan<byte> Slice(int offset, int length) => _bytes.AsSpan(offset, length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Count + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(Count + bytes.Length, _bytes.Length * 2));
        }
        bytes.CopyTo(_bytes.AsSpan(Count));
        Count += bytes.Length;
    }

    public void Clear() => Count = 0;
}
