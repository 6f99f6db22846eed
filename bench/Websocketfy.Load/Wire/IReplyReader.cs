namespace Websocketfy.Load.Wire;

/// <summary>
/// Recognises the end of one reply in a byte stream, without copying it: the load generator
/// keeps exactly one request in flight per connection, so "complete" is all it needs to know.
/// </summary>
internal interface IReplyReader
{
    /// <summary>Called before each request.</summary>
    void Reset();

    /// <summary>Eats bytes of the reply; returns how many belong to it. Throws <see cref="IOException"/>
    /// when the server sends something no reply may contain (a close frame, a bad status...).</summary>
    int Feed(ReadOnlySpan<byte> data, out bool complete);

    /// <summary>Payload bytes of the reply so far (file bytes, SQL text; not framing).</summary>
    long PayloadBytes { get; }

    /// <summary>How many of the next bytes the reader would only count (the rest of a file's frame or
    /// body): the driver may let the kernel drop them instead of copying them (recv with MSG_TRUNC).</summary>
    long Skippable => 0;

    /// <summary>Accounts for <paramref name="count"/> bytes dropped unread (at most <see cref="Skippable"/>);
    /// true when that completes the reply.</summary>
    bool Skip(long count) => throw new NotSupportedException();
}
