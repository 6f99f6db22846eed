using Websocketfy.Protocol.Access;

namespace Websocketfy.Daemon.Auth;

/// <summary>A role defined by the operator with --role NAME=perm,perm.</summary>
public readonly record struct RoleDefinition(string Name, Permissions Permissions)
{
    public override string ToString() => Name + "=" + PermissionNames.Format(Permissions);
}

/// <summary>The roles this daemon knows: the built-in viewer, admin and files, and those of --role.</summary>
internal sealed class RoleTable
{
    public const string Viewer = "viewer";
    public const string Admin = "admin";
    public const string FilesOnly = "files";

    public static IReadOnlyList<RoleDefinition> BuiltIn { get; } =
    [
        new(Viewer, Permissions.Files | Permissions.SqlRead),
        new(Admin, Permissions.All),
        new(FilesOnly, Permissions.Files),
    ];

    private readonly Dictionary<string, Permissions> _roles = new(StringComparer.Ordinal);

    /// <param name="custom">Already checked by the option syntax: no built-in name, no name twice.</param>
    public RoleTable(IEnumerable<RoleDefinition> custom)
    {
        foreach (RoleDefinition role in BuiltIn) _roles[role.Name] = role.Permissions;
        foreach (RoleDefinition role in custom) _roles[role.Name] = role.Permissions;
    }

    public bool Contains(string role) => _roles.ContainsKey(role);

    /// <summary>Union of what the known roles allow; unknown names add nothing and are returned in
    /// <paramref name="unknown"/> (the first one), so a refusal can say why.</summary>
    public Permissions PermissionsOf(IReadOnlyList<string> roles, out string? unknown)
    {
        unknown = null;
        Permissions granted = Permissions.None;
        foreach (string role in roles)
        {
            if (_roles.TryGetValue(role, out Permissions permissions)) granted |= permissions;
            else unknown ??= role;
        }
        return granted;
    }

    public static bool IsBuiltIn(string role)
    {
        foreach (RoleDefinition builtIn in BuiltIn)
        {
            if (builtIn.Name == role) return true;
        }
        return false;
    }

    /// <summary>Role names: letters, digits, '_', '-', '.'; the same rule for --role, token files and JWT claims.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 64) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        }
        return true;
    }
}
