namespace Websocketfy.Protocol.Http;

public enum HeadParseStatus
{
    /// <summary>All input consumed; the head is not complete yet.</summary>
    NeedMoreData,
    /// <summary>The head is complete; <see cref="RequestHeadParser.Head"/> is set.</summary>
    Complete,
    /// <summary>The head exceeds the configured limit (answer 431).</summary>
    TooLarge,
    /// <summary>Not a valid HTTP/1.x request head (answer 400).</summary>
    Malformed,
}

/// <summary>
/// Incremental, bounded parser of one HTTP request head. Bytes may arrive split anywhere
/// (one at a time works). It never consumes bytes past the blank line that ends the head.
/// </summary>
public sealed class RequestHeadParser
{
    public const int DefaultMaxHeadBytes = 8192;

    public RequestHeadParser(int maxHeadBytes = DefaultMaxHeadBytes) => throw new NotImplementedException();

    /// <summary>Feeds bytes. <paramref name="consumed"/> tells how many were used; on Complete,
    /// input[consumed..] are bytes that followed the head (WebSocket frames) and belong to the caller.</summary>
    public HeadParseStatus Feed(ReadOnlySpan<byte> input, out int consumed) => throw new NotImplementedException();

    /// <summary>The parsed head once Feed returned Complete.</summary>
    public RequestHead? Head => throw new NotImplementedException();
}
