using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// Turns one received chunk into SiREN's answer: normalises it, lets the parser pick the command
/// by its first word, checks tables the way SiREN's own checker does, and runs the SQL.
/// </summary>
internal sealed class CommandDispatcher(SqliteStatementRunner sql)
{
    public SirenReply Answer(ReadOnlySpan<byte> chunk)
    {
        NormalisedChunk normalised = CommandNormaliser.Normalise(chunk);
        return normalised.Kind switch
        {
            ChunkKind.CrLf => SirenReply.PromptOnly,
            ChunkKind.Quit => SirenReply.Close,
            ChunkKind.Blank => SirenReply.BareNewline,
            _ => Execute(normalised.Text),
        };
    }

    /// <summary>Answers a normalised, non-blank command.</summary>
    public SirenReply Execute(string command)
    {
        List<string> tokens = SirenLexer.Tokens(command, 3);
        try
        {
            return tokens[0].ToUpperInvariant() switch
            {
                "SELECT" => Select(command),
                "INSERT" => Insert(command, tokens),
                "CREATE" => Create(command, tokens),
                "DROP" or "ALTER" => ChangeOfExistingTable(command, tokens, "TABLE", tablePosition: 3),
                "DELETE" => ChangeOfExistingTable(command, tokens, "FROM", tablePosition: 3),
                "UPDATE" => ChangeOfExistingTable(command, tokens, keyword: null, tablePosition: 2),
                // SiREN's parser reads every other command as DESC, and quotes the word it found.
                _ => SirenReply.Failed($"[1] DESC expected. '{tokens[0]}' found instead."),
            };
        }
        catch (InvalidOperationException)
        {
            // The engine itself failed (not the SQL): SiREN's answer to an exception.
            return SirenReply.Fatal;
        }
    }

    private SirenReply Select(string command) =>
        sql.RunQuery(command, out ResultTable? table) switch
        {
            QueryOutcome.Completed => Body(ResultFormatter.Format(table!)),
            QueryOutcome.FailedMidway => SirenReply.Fatal,
            // SiREN swallows SQL errors of a plain SELECT: no body, just the prompt.
            _ => SirenReply.PromptOnly,
        };

    private SirenReply Insert(string command, List<string> tokens)
    {
        string into = TokenAt(tokens, 2);
        if (!into.Equals("INTO", StringComparison.OrdinalIgnoreCase))
        {
            return SirenReply.Failed($"[2] INTO expected. '{into}' found instead.");
        }

        string table = TokenAt(tokens, 3);
        if (!sql.TableExists(SirenLexer.Unquote(table)))
        {
            // Byte for byte what SiREN answers (transcript 04), grammar and missing dot included.
            return SirenReply.Failed(
                $"[3] Table '{table}' does not exists.",
                $"[3] VALUES expected '{table}' found instead");
        }

        return Run(command, "INSERT");
    }

    private SirenReply Create(string command, List<string> tokens)
    {
        string table = TokenAt(tokens, 3);
        if (TokenAt(tokens, 2).Equals("TABLE", StringComparison.OrdinalIgnoreCase) && sql.TableExists(SirenLexer.Unquote(table)))
        {
            return SirenReply.Failed(
                $"[3] Table '{table}' already exists.",
                "[3] Syntax error when processing CREATE TABLE statement.");
        }

        return Run(command, "CREATE");
    }

    /// <summary>DROP TABLE, ALTER TABLE, DELETE FROM, UPDATE: the named table must exist.</summary>
    private SirenReply ChangeOfExistingTable(string command, List<string> tokens, string? keyword, int tablePosition)
    {
        bool namesTable = keyword is null || TokenAt(tokens, 2).Equals(keyword, StringComparison.OrdinalIgnoreCase);
        string table = TokenAt(tokens, tablePosition);
        if (namesTable && table.Length > 0 && !IsSqlModifier(table) && !sql.TableExists(SirenLexer.Unquote(table)))
        {
            return SirenReply.Failed($"[{tablePosition}] Table '{table}' does not exists.");
        }

        return Run(command, tokens[0].ToUpperInvariant());
    }

    private SirenReply Run(string command, string statementKind) =>
        sql.RunCommand(command) is string error
            ? SirenReply.Failed($"[1] Error executing {statementKind} statement: {error}.")
            : SirenReply.PromptOnly;

    private static SirenReply Body(string body) => body.Length == 0 ? SirenReply.PromptOnly : SirenReply.WithBody(body);

    // "DROP TABLE IF EXISTS t", "UPDATE OR REPLACE t": the table name comes later; SQLite checks it.
    private static bool IsSqlModifier(string token) =>
        token.Equals("IF", StringComparison.OrdinalIgnoreCase) || token.Equals("OR", StringComparison.OrdinalIgnoreCase);

    private static string TokenAt(List<string> tokens, int position) =>
        position <= tokens.Count ? tokens[position - 1] : string.Empty;
}
