using System.Text;
using Websocketfy.SirenDemo.Parsing;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// Turns one received chunk into SiREN's answer, as SiREN's shell and its SirenSQLQuery do: normalise
/// it, pick the statement kind by the first word, let that kind's checker find errors ("Command
/// failed." and one line each), else run the SQL it translates to and print each result. SQL errors
/// are not reported: such a statement just prints nothing.
/// </summary>
internal sealed class CommandDispatcher(SqliteStatementRunner sql)
{
    private readonly SirenCatalog _catalog = new(sql);

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
        try
        {
            SirenStatement? statement = Classify(command);
            if (statement is null) return Run([command]);
            IReadOnlyList<string> errors = statement.Check();
            return errors.Count > 0 ? SirenReply.Failed([.. errors]) : Run(statement.Translate());
        }
        catch (SirenParseAbort)
        {
            // The first word, or the word after CREATE or DROP, is missing or unreadable: SiREN's
            // classification reads it outside any checker, and the exception reaches the shell.
            return SirenReply.Fatal;
        }
        catch (NotEmulatedException ex)
        {
            return SirenReply.Failed($"[1] siren-demo does not emulate {ex.What}.");
        }
        catch (InvalidOperationException)
        {
            // The engine itself failed (not the SQL): SiREN's answer to an exception.
            return SirenReply.Fatal;
        }
    }

    /// <summary>SiREN's choice of statement kind (SirenSQLQuery::prepare); null for a plain SELECT, which runs as it is.</summary>
    private SirenStatement? Classify(string command)
    {
        var cursor = new SirenTokenCursor(command);
        string first = cursor.Current.Upper;
        switch (first)
        {
            case "CREATE":
            case "DROP":
                cursor.Match();
                string second = cursor.Current.Upper;
                if (second is "METRIC" or "INDEX") throw new NotEmulatedException($"{first} {second}");
                return first == "CREATE" ? new CreateTableStatement(command, _catalog) : new DropTableStatement(command, _catalog);
            case "ALTER":
                return new AlterTableStatement(command, _catalog);
            case "INSERT":
                return new InsertStatement(command, _catalog);
            case "DELETE":
                return new DeleteStatement(command, _catalog);
            case "UPDATE":
                return new UpdateStatement(command, _catalog);
            case "SELECT":
                if (command.Contains(" NEAR ", StringComparison.OrdinalIgnoreCase) || command.Contains(" FAR ", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NotEmulatedException("similarity queries (NEAR, FAR)");
                }
                return null;
            default:
                // Every other first word is read as DESC (hence "DESC expected. 'FOO' found instead.").
                return new DescStatement(command, _catalog);
        }
    }

    /// <summary>Runs each SQL statement and prints its rows; a statement SQLite refuses prints nothing.</summary>
    private SirenReply Run(IReadOnlyList<string> statements)
    {
        var body = new StringBuilder();
        foreach (string statement in statements)
        {
            body.Append(ResultFormatter.Format(sql.RunSelect(statement)));
        }
        return body.Length == 0 ? SirenReply.PromptOnly : SirenReply.ResultSet(body.ToString());
    }
}
