namespace Websocketfy.Protocol.Commands;

public enum CommandKind
{
    /// <summary>REQUEST: download a file. <see cref="Command.Path"/> holds the trimmed rest (may be empty).</summary>
    FileRequest,
    /// <summary>QUIT, or an SQL text SiREN would read as QUIT (quit;): close with 1000, nothing relayed.</summary>
    Quit,
    /// <summary>Only white space with at most one ';': empty reply, SiREN not contacted.</summary>
    Blank,
    /// <summary>Anything else: relay the message bytes unchanged to SiREN.</summary>
    Sql,
}

/// <param name="Path">For FileRequest: the path text after REQUEST, trimmed of white space; null when the
/// message is not valid UTF-8 (such a path is refused).</param>
public readonly record struct Command(CommandKind Kind, string? Path);
