namespace Websocketfy.Protocol.Access;

/// <summary>What a role allows. A role is a set of these; with no authentication every client has all.</summary>
[Flags]
public enum Permissions
{
    None = 0,
    /// <summary>REQUEST: download files from the tree.</summary>
    Files = 1,
    /// <summary>SQL whose first keyword is SELECT or DESC.</summary>
    SqlRead = 2,
    /// <summary>Every other SQL command (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, unknown words).</summary>
    SqlWrite = 4,
    All = Files | SqlRead | SqlWrite,
}

/// <summary>The operator's spelling of permissions: "files", "sql-read", "sql-write".</summary>
public static class PermissionNames
{
    public const string Files = "files";
    public const string SqlRead = "sql-read";
    public const string SqlWrite = "sql-write";

    /// <summary>Every name, in the order they are listed.</summary>
    public static IReadOnlyList<string> All { get; } = [Files, SqlRead, SqlWrite];

    public static bool TryParse(ReadOnlySpan<char> name, out Permissions permission)
    {
        permission = name switch
        {
            Files => Permissions.Files,
            SqlRead => Permissions.SqlRead,
            SqlWrite => Permissions.SqlWrite,
            _ => Permissions.None,
        };
        return permission != Permissions.None;
    }

    /// <summary>The name of one permission.</summary>
    public static string NameOf(Permissions permission) => permission switch
    {
        Permissions.Files => Files,
        Permissions.SqlRead => SqlRead,
        Permissions.SqlWrite => SqlWrite,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Not a single permission."),
    };

    /// <summary>"files,sql-read" (empty for none), in the order of <see cref="All"/>.</summary>
    public static string Format(Permissions permissions)
    {
        var names = new List<string>(3);
        foreach (Permissions one in (ReadOnlySpan<Permissions>)[Permissions.Files, Permissions.SqlRead, Permissions.SqlWrite])
        {
            if ((permissions & one) != 0)
            {
                names.Add(NameOf(one));
            }
        }

        return string.Join(',', names);
    }
}
