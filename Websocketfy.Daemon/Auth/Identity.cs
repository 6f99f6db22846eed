using Websocketfy.Protocol.Access;

namespace Websocketfy.Daemon.Auth;

/// <summary>Who a connection belongs to, fixed at the upgrade: the name (token file name or JWT subject),
/// the role as the credential named it, what that role allows, and when the credential stops being
/// valid (null: never, as for file tokens).</summary>
internal sealed record Identity(string Name, string Role, Permissions Permissions, DateTimeOffset? ExpiresAt)
{
    /// <summary>Every client under --auth none: admin, as the daemon always was.</summary>
    public static Identity Anonymous { get; } = new("anonymous", RoleTable.Admin, Permissions.All, null);
}

/// <summary>What a credential says before roles are looked up: a name, the role names it carries, its expiry.</summary>
internal readonly record struct Principal(string Name, IReadOnlyList<string> Roles, DateTimeOffset? ExpiresAt);
