using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary><c>DROP TABLE name</c> (agathon's DropTableSyntactic, DropTableExecutor).</summary>
internal sealed class DropTableStatement(string command, SirenCatalog catalog) : SirenStatement(command, catalog)
{
    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "DROP")
            {
                Cursor.Match();
                if (Current.Upper == "TABLE")
                {
                    Cursor.Match();
                    ExistingTable("Identifier expected '{0}' found instead.");
                    // Upstream's message lacks the opening quote.
                    if (!AtEnd) AddError($"Extra tokens at the end of statement: {Current.Lexem}'.");
                }
                else
                {
                    AddError($"TABLE is expected. '{Current.Lexem}' found instead.");
                }
            }
            else
            {
                AddError($"DROP TABLE statement is expected. '{Current.Lexem}' found instead.");
            }
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error when processing DROP TABLE near '{Cursor.Last.Lexem}'.");
        }
    }

    /// <summary>SiREN first forgets the table's metric indexes in its catalogue, then drops it.</summary>
    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        try
        {
            string table = cursor.TokenAt(2).Lexem;
            if (Catalog.ComplexAttributes(table).Count > 0) throw new NotEmulatedException("dropping a table with complex data-type columns");
            return [$"DELETE FROM CDD$ComplexAttribMetric WHERE TableName = '{table}'", $"DROP TABLE {table}"];
        }
        catch (SirenParseAbort)
        {
            return [];
        }
    }
}
