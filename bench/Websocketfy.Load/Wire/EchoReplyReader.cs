namespace Websocketfy.Load.Wire;

/// <summary>The 1-byte TCP round trip: the reply is the byte sent.</summary>
internal sealed class EchoReplyReader : IReplyReader
{
    public long PayloadBytes { get; private set; }

    public void Reset() => PayloadBytes = 0;

    public int Feed(ReadOnlySpan<byte> data, out bool complete)
    {
        PayloadBytes = 1;
        complete = true;
        return 1;
    }
}
