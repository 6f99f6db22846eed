using Websocketfy.Protocol.Commands;

namespace Websocketfy.Protocol.Access;

/// <summary>Whether a role's permissions allow one command, decided before anything is done for it.</summary>
/// <param name="Needed">The permission the command needs (None for QUIT and blank commands).</param>
/// <param name="Keyword">For SQL: the statement's first keyword as SiREN reads it ("" when it has
/// none); null for other kinds.</param>
public readonly record struct AccessVerdict(bool Allowed, Permissions Needed, string? Keyword);

/// <summary>The permission rules (pure): REQUEST needs files, SQL whose first keyword is SELECT or DESC
/// needs sql-read, every other SQL needs sql-write; QUIT and blank commands need nothing (neither
/// reaches SiREN or the files).</summary>
public static class CommandAccess
{
    public static AccessVerdict Check(CommandKind kind, ReadOnlySpan<byte> message, Permissions granted)
    {
        switch (kind)
        {
            case CommandKind.FileRequest:
                return Verdict(Permissions.Files, granted, null);
            case CommandKind.Sql:
                string keyword = SqlKeyword.Read(message);
                return Verdict(SqlKeyword.IsRead(keyword) ? Permissions.SqlRead : Permissions.SqlWrite, granted, keyword);
            default:
                return new AccessVerdict(true, Permissions.None, null);
        }
    }

    private static AccessVerdict Verdict(Permissions needed, Permissions granted, string? keyword) =>
        new((granted & needed) == needed, needed, keyword);
}
