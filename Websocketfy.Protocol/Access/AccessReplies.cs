using System.Text;

namespace Websocketfy.Protocol.Access;

/// <summary>The replies to a command the client's role does not allow, sent with the request's opcode
/// like every reply. An SQL refusal is in SiREN's error style ("Command failed.\n" then one line), so
/// existing clients show it as a failed command; a REQUEST refusal sits beside "File not found!".</summary>
public static class AccessReplies
{
    /// <summary>"Permission denied." (no newline, like the other REQUEST error replies).</summary>
    public static ReadOnlySpan<byte> FileDenied => "Permission denied."u8;

    /// <summary>"Command failed.\nPermission denied: INSERT needs the sql-write permission.\n"; a command
    /// that starts with no keyword is "this command".</summary>
    public static byte[] SqlDenied(string keyword, Permissions needed) =>
        Encoding.UTF8.GetBytes(
            "Command failed.\nPermission denied: " + (keyword.Length == 0 ? "this command" : keyword)
            + " needs the " + PermissionNames.NameOf(needed) + " permission.\n");
}
