using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>UPDATE table SET column = literal [, ...] WHERE condition [AND|OR ...]</c> (agathon's
/// UpdateSyntactic, UpdateExecutor). SiREN insists on the WHERE clause; its conditions are DELETE's
/// (see <see cref="ConditionalStatement"/>). The SQL run is the statement's tokens joined by spaces.
/// </summary>
internal sealed class UpdateStatement(string command, SirenCatalog catalog) : ConditionalStatement(command, catalog, "UPDATE")
{
    private string _table = "";

    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "UPDATE")
            {
                Cursor.Match();
                _table = ExistingTable("Identifier expected '{0}' found instead.") ?? "";
                if (Current.Upper == "SET")
                {
                    Cursor.Match();
                    Assignments();
                    if (!AtEnd && Current.Upper == "WHERE") WhereClause();
                    else AddError($"WHERE expected. '{Current.Lexem}' found instead.");
                }
                else
                {
                    AddError($"SET expected. '{Current.Lexem}' found instead.");
                }
            }
            else
            {
                AddError($"UPDATE expected. '{Current.Lexem}' found instead.");
            }
            if (!AtEnd) AddError($"Extra tokens at the end of statement: '{Current.Lexem}'.");
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error in UPDATE statement near '{Cursor.Last.Lexem}'.");
        }
    }

    private void Assignments()
    {
        ColumnName();
        Cursor.Match("=", SirenTokenType.Equal);
        Value();
        if (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match();
            Assignments();
        }
    }

    private void WhereClause()
    {
        Cursor.Match();
        Conditions();
    }

    protected override void ColumnName()
    {
        if (Current.Type != SirenTokenType.Identifier)
        {
            AddError($"Identifier expected '{Current.Lexem}' found instead.");
        }
        else if (!Catalog.IsValidColumn(_table, Current.Lexem))
        {
            AddError($"Column '{Current.Lexem}' does not exists in table '{_table}'.");
        }
        else if (Catalog.IsComplexAttributeReference(_table, Current.Lexem))
        {
            AddError("Updating complex data-type is not allowed in the current implementation.");
        }
        else
        {
            Cursor.Match();
        }
    }

    protected override void Value()
    {
        if (IsLiteral(Current)) Cursor.Match();
        else AddError($"Invalid value for column '{Current.Lexem}' found instead.");
    }

    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        var lexems = new List<string>();
        while (!cursor.AtEnd)
        {
            lexems.Add(cursor.Current.Lexem);
            cursor.Match();
        }
        return [string.Join(' ', lexems)];
    }
}
