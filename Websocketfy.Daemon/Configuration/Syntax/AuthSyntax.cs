using Websocketfy.Daemon.Auth;
using Websocketfy.Protocol.Access;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>--auth none|token|jwt.</summary>
internal static class AuthModeSyntax
{
    public const string Names = "none, token or jwt";

    public static Parsed<AuthMode> Parse(string text) => text.ToLowerInvariant() switch
    {
        "none" => AuthMode.None,
        "token" => AuthMode.Token,
        "jwt" => AuthMode.Jwt,
        _ => Parsed<AuthMode>.Fail($"'{text}' is not an authentication mode ({Names})"),
    };

    public static string Format(AuthMode mode) => mode.ToString().ToLowerInvariant();
}

/// <summary>--role NAME=perm,perm (repeatable): a role beyond the built-in ones. "NAME=" is a role
/// that allows nothing (its holders get 403).</summary>
internal static class RoleSyntax
{
    /// <summary>A blank text is no role (as the default).</summary>
    public static Parsed<IReadOnlyList<RoleDefinition>> Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return new List<RoleDefinition>();
        int equals = text.IndexOf('=');
        if (equals < 0)
            return Fail($"'{text}' is not NAME=permission,permission (permissions: {string.Join(", ", PermissionNames.All)})");
        string name = text[..equals].Trim();
        if (!RoleTable.IsValidName(name))
            return Fail($"'{name}' is not a role name (letters, digits, '_', '-', '.')");
        if (RoleTable.IsBuiltIn(name))
            return Fail($"'{name}' is a built-in role (viewer, admin, files) and cannot be redefined");
        Permissions permissions = Permissions.None;
        foreach (Range range in text.AsSpan(equals + 1).Split(','))
        {
            ReadOnlySpan<char> item = text.AsSpan(equals + 1)[range].Trim();
            if (item.IsEmpty) continue;
            if (!PermissionNames.TryParse(item, out Permissions one))
                return Fail($"'{item}' is not a permission ({string.Join(", ", PermissionNames.All)})");
            permissions |= one;
        }
        return new List<RoleDefinition> { new(name, permissions) };
    }

    /// <summary>Joins what earlier values gave with a new one; a role defined twice is refused by <see cref="Duplicate"/>.</summary>
    public static IReadOnlyList<RoleDefinition> Combine(IReadOnlyList<RoleDefinition> earlier, IReadOnlyList<RoleDefinition> more) => [.. earlier, .. more];

    /// <summary>The first role name given twice, or null.</summary>
    public static string? Duplicate(IReadOnlyList<RoleDefinition> roles)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (RoleDefinition role in roles)
        {
            if (!seen.Add(role.Name)) return role.Name;
        }
        return null;
    }

    /// <summary>One role per value: more than one cannot be written as one value, so they are only shown.</summary>
    public static string Format(IReadOnlyList<RoleDefinition> roles) => string.Join(" ", roles);

    private static Parsed<IReadOnlyList<RoleDefinition>> Fail(string problem) => Parsed<IReadOnlyList<RoleDefinition>>.Fail(problem);
}

/// <summary>Short texts: the JWT issuer, audience and claim names.</summary>
internal static class TextSyntax
{
    public static Parsed<string> NonEmpty(string text) =>
        text.Length == 0 ? Parsed<string>.Fail("empty value")
        : text.AsSpan().ContainsAnyInRange('\0', '\u001f') || text.Contains('\u007f') ? Parsed<string>.Fail("the value contains a control character")
        : text;

    /// <summary>Empty = not set (the default).</summary>
    public static Parsed<string?> OptionalText(string text)
    {
        if (text.Length == 0) return (string?)null;
        Parsed<string> parsed = NonEmpty(text);
        return parsed.Succeeded ? parsed.Value : Parsed<string?>.Fail(parsed.Problem!);
    }
}
