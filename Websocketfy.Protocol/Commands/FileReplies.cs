namespace Websocketfy.Protocol.Commands;

/// <summary>The two error replies to REQUEST (PROTOCOL.md section 1): exactly these characters, no
/// newline. Every cause of a refusal but an empty path gets "File not found!" on purpose, so a client
/// cannot probe the tree; only the log tells the causes apart.</summary>
public static class FileReplies
{
    public static ReadOnlySpan<byte> FileNameMissing => "File name is missing!"u8;

    public static ReadOnlySpan<byte> FileNotFound => "File not found!"u8;

    /// <summary>The reply for a path that <see cref="RequestPath.Check"/> refused.</summary>
    public static ReadOnlySpan<byte> ForRefusal(PathVerdict verdict) => verdict switch
    {
        PathVerdict.Ok => throw new ArgumentException("An accepted path has no error reply.", nameof(verdict)),
        PathVerdict.Missing => FileNameMissing,
        _ => FileNotFound,
    };
}
