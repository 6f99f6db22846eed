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
    /// <remarks>Characters are checked before segments, so a path breaking both rules reports
    /// ForbiddenCharacter. On any verdict but Ok, <paramref name="segments"/> is empty.</remarks>
    public static PathVerdict Check(string? path, out string[] segments)
    {
        segments = [];
        if (path is null)
        {
            return PathVerdict.InvalidUtf8;
        }

        if (path.Length == 0)
        {
            return PathVerdict.Missing;
        }

        if (path[0] == '/')
        {
            return PathVerdict.Absolute;
        }

        PathVerdict characters = CheckCharacters(path);
        if (characters != PathVerdict.Ok)
        {
            return characters;
        }

        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (string part in parts)
        {
            // Covers ".", ".." and hidden files alike: none of them is ever served.
            if (part[0] == '.')
            {
                return PathVerdict.DotSegment;
            }
        }

        segments = parts;
        return PathVerdict.Ok;
    }

    private static PathVerdict CheckCharacters(string path)
    {
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            // char.IsControl is exactly Unicode Cc (U+0000-U+001F, U+007F-U+009F), NUL included.
            if (c == '\\' || char.IsControl(c))
            {
                return PathVerdict.ForbiddenCharacter;
            }

            if (char.IsSurrogate(c))
            {
                // A path decoded from valid UTF-8 has only paired surrogates; a lone one has no UTF-8
                // form, so the file layer would have to invent bytes for it.
                if (!char.IsHighSurrogate(c) || i + 1 == path.Length || !char.IsLowSurrogate(path[i + 1]))
                {
                    return PathVerdict.InvalidUtf8;
                }

                i++;
            }
        }

        return PathVerdict.Ok;
    }
}
