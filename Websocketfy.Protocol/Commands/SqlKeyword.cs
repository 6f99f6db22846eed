namespace Websocketfy.Protocol.Commands;

/// <summary>The first keyword of an SQL command as SiREN reads it, which decides whether the command
/// only reads (SELECT, DESC) or may change something (everything else).</summary>
/// <remarks>
/// SiREN normalises the text (Qt white space trimmed and collapsed, see <see cref="SirenWhiteSpace"/>),
/// then its lexer reads the first token, and that token alone picks the statement: CREATE, DROP,
/// ALTER, INSERT, DELETE, UPDATE, SELECT, and anything else goes to DESC's parser. An identifier in
/// its lexer is <c>[A-Za-z$][A-Za-z0-9_$]*</c>, so <c>SELECT*FROM t</c> starts with SELECT, while
/// <c>'SELECT' ...</c> (a string, quotes kept) or <c>(SELECT ...)</c> start with no keyword at all.
/// Only the leading white space and the identifier are looked at, so a 1 MiB command costs a few
/// bytes of work. A text that does not start with an identifier has no keyword and is not a read.
/// </remarks>
public static class SqlKeyword
{
    /// <summary>Longest keyword kept for replies and the audit trail; a longer identifier is no
    /// statement keyword of SiREN's and is cut here (followed by "...").</summary>
    public const int MaxLength = 32;

    /// <summary>The statement keywords that only read: SiREN's SELECT (plain SQL is passed to the
    /// database as one statement, similarity queries are translated into SELECTs) and DESC.</summary>
    public static bool IsRead(string keyword) => keyword is "SELECT" or "DESC";

    /// <summary>The first identifier after SiREN white space, in upper case; "" when the command does
    /// not start with one.</summary>
    public static string Read(ReadOnlySpan<byte> command)
    {
        int start = CommandClassifier.SkipWhiteSpace(command, 0);
        if (start == command.Length || !IsIdentifierStart(command[start]))
        {
            return "";
        }

        int end = start + 1;
        while (end < command.Length && IsIdentifierPart(command[end]))
        {
            end++;
        }

        bool cut = end - start > MaxLength;
        ReadOnlySpan<byte> identifier = command.Slice(start, Math.Min(end - start, MaxLength));
        Span<char> upper = stackalloc char[identifier.Length];
        for (int i = 0; i < identifier.Length; i++)
        {
            byte b = identifier[i];
            upper[i] = (char)(b is >= (byte)'a' and <= (byte)'z' ? b - 32 : b);
        }

        if (cut) return string.Concat(upper, "...");
        // Read once per SQL command on the relay path: SiREN's own keywords come back without an allocation.
        foreach (string known in Statements)
        {
            if (upper.SequenceEqual(known)) return known;
        }
        return new string(upper);
    }

    /// <summary>The keywords that pick a SiREN statement (see the remarks).</summary>
    private static readonly string[] Statements = ["SELECT", "DESC", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER"];

    private static bool IsIdentifierStart(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (byte)'$';

    private static bool IsIdentifierPart(byte b) => IsIdentifierStart(b) || b is (>= (byte)'0' and <= (byte)'9') or (byte)'_';
}
