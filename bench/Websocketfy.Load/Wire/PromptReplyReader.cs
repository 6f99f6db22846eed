namespace Websocketfy.Load.Wire;

/// <summary>A reply straight from SiREN over TCP: everything up to and including its prompt.</summary>
internal sealed class PromptReplyReader : IReplyReader
{
    private readonly PromptTail _tail = new();

    public long PayloadBytes { get; private set; }

    public void Reset()
    {
        _tail.Clear();
        PayloadBytes = 0;
    }

    public int Feed(ReadOnlySpan<byte> data, out bool complete)
    {
        _tail.Append(data);
        PayloadBytes += data.Length;
        // SiREN sends nothing after its prompt until the next command, so the prompt can only end a read.
        complete = _tail.EndsWithPrompt();
        return data.Length;
    }
}
