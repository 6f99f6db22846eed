namespace Websocketfy.Protocol.Commands;

public enum PathVerdict
{
    Ok,
    /// <summary>Empty after trimming: reply "File name is missing!".</summary>
    Missing,
    Absolute,
    InvalidUtf8,
    ForbiddenCharacter,   // NUL, backslash, Unicode Cc
    DotSegment,           // a segment starting with '.'
}

/// <summary>The lexical path rules of PROTOCOL.md section 1 (symlink containment is the file tree's job).</summary>
public static class RequestPath
{
    /// <summary>Checks a request path; on Ok, <paramref name="segments"/> are its non-empty segments.</summary>
    public static PathVerdict Check(string? path, out string[] segments) => throw new NotImplementedException();
}
