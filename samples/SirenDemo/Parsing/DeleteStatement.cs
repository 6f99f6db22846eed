using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>DELETE FROM table [WHERE condition [AND|OR ...]]</c> (agathon's DeleteSyntactic, DeleteExecutor),
/// with SiREN's narrow conditions (see <see cref="ConditionalStatement"/>).
/// </summary>
internal sealed class DeleteStatement(string command, SirenCatalog catalog) : ConditionalStatement(command, catalog, "DELETE")
{
    private string _table = "";

    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "DELETE")
            {
                Cursor.Match();
                if (Current.Upper == "FROM")
                {
                    Cursor.Match();
                    _table = ExistingTable("Identifier expected. '{0}' found instead.") ?? "";
                    if (!AtEnd) WhereClause();
                    if (!AtEnd) AddError($"Extra tokens at the end of statement: '{Current.Lexem}'.");
                }
                else
                {
                    AddError($"FROM expected. '{Current.Lexem}' found instead.");
                }
            }
            else
            {
                AddError($"DELETE expected. '{Current.Lexem}' found instead.");
            }
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error when processing DELETE statement near '{Cursor.Last.Lexem}'.");
        }
    }

    private void WhereClause()
    {
        if (Current.Upper == "WHERE")
        {
            Cursor.Match();
            Conditions();
        }
        else
        {
            AddError($"WHERE clause expected. '{Current.Lexem}' found instead.");
        }
    }

    protected override void ColumnName()
    {
        if (Current.Type != SirenTokenType.Identifier) AddError($"Identifier expected. '{Current.Lexem}' found instead.");
        else if (!Catalog.IsValidColumn(_table, Current.Lexem)) AddError($"Column '{Current.Lexem}' does not exists in the table '{_table}'.");
        else Cursor.Match();
    }

    protected override void Value()
    {
        if (IsLiteral(Current)) Cursor.Match();
        else AddError($"STRING | INTEGER | FLOAT expected. '{Current.Lexem}' found instead.");
    }

    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        try
        {
            cursor.Match(); // DELETE
            cursor.Match(); // FROM
            string table = cursor.Current.Lexem;
            cursor.Match();
            if (Catalog.ComplexAttributes(table).Count > 0) throw new NotEmulatedException("deleting from a table with complex data-type columns");
            string where = "";
            if (!cursor.AtEnd)
            {
                cursor.Match(); // WHERE
                while (!cursor.AtEnd)
                {
                    where += " " + cursor.Current.Lexem;
                    cursor.Match();
                }
            }
            return [$"DELETE FROM {table}" + (where.Length > 0 ? " WHERE " + where : "")];
        }
        catch (SirenParseAbort)
        {
            return [];
        }
    }
}
