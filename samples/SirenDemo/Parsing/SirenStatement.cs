using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// One of SiREN's statement kinds: its checker (agathon's <c>*Syntactic</c>), whose errors become the
/// "Command failed." lines, and its translator (agathon's <c>*Executor</c>), whose SQL statements run
/// when the check passed. Both are ports of the originals, quirks included: the error texts, the token
/// numbers in them, the places where a check does not move on and the next one reports the same token.
/// </summary>
internal abstract class SirenStatement(string command, SirenCatalog catalog)
{
    private readonly List<string> _errors = [];

    protected string Command => command;

    protected SirenCatalog Catalog => catalog;

    /// <summary>The checker's cursor (the translator makes its own, as the original parses again).</summary>
    protected SirenTokenCursor Cursor { get; } = new(command);

    protected SirenToken Current => Cursor.Current;

    protected bool AtEnd => Cursor.AtEnd;

    /// <summary>The "[n] message" lines of the check; none when the statement is valid.</summary>
    public IReadOnlyList<string> Check()
    {
        Specification();
        return _errors;
    }

    /// <summary>The SQL statements SiREN runs for a valid statement, in order.</summary>
    public abstract IReadOnlyList<string> Translate();

    /// <summary>The checker's grammar; catches <see cref="SirenParseAbort"/> itself, as each original does.</summary>
    protected abstract void Specification();

    protected void AddError(string message) => _errors.Add($"[{Cursor.ErrorPosition}] {message}");

    /// <summary>The table-name rule most statements share: an identifier naming an existing table.</summary>
    /// <returns>The name when it was matched.</returns>
    protected string? ExistingTable(string identifierExpected)
    {
        if (Current.Type != SirenTokenType.Identifier)
        {
            AddError(identifierExpected.Replace("{0}", Current.Lexem, StringComparison.Ordinal));
            return null;
        }
        if (!Catalog.IsValidTable(Current.Lexem))
        {
            AddError($"Table '{Current.Lexem}' does not exists.");
            return null;
        }
        string table = Current.Lexem;
        Cursor.Match();
        return table;
    }

    protected static bool IsLiteral(SirenToken token) =>
        token.Type is SirenTokenType.String or SirenTokenType.Integer or SirenTokenType.FloatingPoint;
}

/// <summary>A statement form the demo backend does not emulate (SiREN's similarity extensions).</summary>
internal sealed class NotEmulatedException(string what) : Exception($"siren-demo does not emulate {what}")
{
    public string What => what;
}
