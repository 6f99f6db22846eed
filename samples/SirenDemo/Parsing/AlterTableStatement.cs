using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>ALTER TABLE table ADD column type | DROP COLUMN column | MODIFY COLUMN column type</c> (agathon's
/// AlterTableSyntactic, AlterTableExecutor). Upstream's checker reads past the end after ADD and DROP
/// COLUMN, so those always end in its syntax error; only MODIFY passes, and SQLite refuses what it
/// becomes. The peer keeps all of that.
/// </summary>
internal sealed class AlterTableStatement(string command, SirenCatalog catalog) : SirenStatement(command, catalog)
{
    private string _table = "";

    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "ALTER")
            {
                Cursor.Match();
                if (Current.Upper == "TABLE")
                {
                    Cursor.Match();
                    _table = ExistingTable("Identifier expected. '{0}' found instead.") ?? "";
                    Operation();
                }
                else
                {
                    AddError($"TABLE expected. '{Current.Lexem}' found instead.");
                }
            }
            else
            {
                AddError($"ALTER expected. '{Current.Lexem}' found instead.");
            }
            if (!AtEnd) AddError($"Extra tokens at the end of statement: '{Current.Lexem}'.");
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error when processing ALTER TABLE statement near '{Cursor.Last.Lexem}'.");
        }
    }

    // Three independent checks in a row, as upstream has them: each looks at the current token again.
    private void Operation()
    {
        if (Current.Upper == "ADD")
        {
            Cursor.Match();
            NewColumnName();
            DataType();
        }
        if (Current.Upper == "DROP")
        {
            Cursor.Match();
            if (Current.Upper == "COLUMN")
            {
                Cursor.Match();
                ColumnName();
            }
            else
            {
                AddError($"COLUMN expected. '{Current.Lexem}' found instead");
            }
        }
        if (Current.Upper == "MODIFY")
        {
            Cursor.Match();
            if (Current.Upper == "COLUMN")
            {
                Cursor.Match();
                ColumnName();
                DataType();
            }
            else
            {
                AddError($"COLUMN expected. '{Current.Lexem}' found instead");
            }
        }
    }

    private void ColumnName()
    {
        if (Current.Type != SirenTokenType.Identifier) AddError($"Identifier expected. '{Current.Lexem}' found instead.");
        else if (!Catalog.IsValidColumn(_table, Current.Lexem)) AddError($"Column '{Current.Lexem}' does not exists in the table '{_table}'.");
        else if (Catalog.IsComplexAttributeReference(_table, Current.Lexem)) AddError("Add/modify such a data-type column are not allowed.");
        else Cursor.Match();
    }

    private void NewColumnName()
    {
        if (Current.Type != SirenTokenType.Identifier) AddError($"Identifier expected. '{Current.Lexem}' found instead.");
        else if (Catalog.IsValidColumn(_table, Current.Lexem)) AddError($"Column '{Current.Lexem}' already exists in the table '{_table}'.");
        else Cursor.Match();
    }

    // The type as written (not upper-cased): "integer" is not a type here, "INT" is.
    private void DataType()
    {
        if (Current.Type != SirenTokenType.Identifier)
        {
            AddError($"Identifier expected. '{Current.Lexem}' found instead.");
            return;
        }
        if (!SirenCatalog.IsValidDataType(Current.Lexem))
        {
            AddError($"'{Current.Lexem}' is not a valid data-type.");
            return;
        }
        string type = Current.Lexem;
        Cursor.Match();
        if (Catalog.IsValidComplexDataType(type)) AddError("Add/modify a complex data-type column are not allowed.");
        if (!AtEnd && Current.Lexem == "(")
        {
            Cursor.Match("(", SirenTokenType.OpenBrace);
            if (Current.Type == SirenTokenType.Integer) Cursor.Match();
            else AddError($"Integer expected. '{Current.Lexem}' found instead.");
            Cursor.Match(")", SirenTokenType.CloseBrace);
        }
    }

    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        var statements = new List<string>();
        try
        {
            cursor.Match();
            cursor.Match();
            string table = cursor.Current.Lexem;
            cursor.Match();
            if (cursor.Current.Upper == "ADD")
            {
                cursor.Match();
                string column = cursor.Current.Lexem;
                cursor.Match();
                statements.Add($"ALTER TABLE {table} ADD {column} {cursor.Current.Lexem}");
            }
            if (cursor.Current.Upper == "DROP")
            {
                cursor.Match();
                cursor.Match();
                string column = cursor.Current.Lexem;
                if (Catalog.IsComplexAttributeReference(table, column)) throw new NotEmulatedException("dropping a complex data-type column");
                statements.Add($"ALTER TABLE {table} DROP COLUMN {column}");
            }
            if (cursor.Current.Upper == "MODIFY")
            {
                cursor.Match();
                cursor.Match();
                string column = cursor.Current.Lexem;
                cursor.Match();
                _ = cursor.Current;
                statements.Add($"ALTER TABLE {table} MODIFY COLUMN {column}");
            }
        }
        catch (SirenParseAbort)
        {
            // What was translated before the end stays.
        }
        return statements;
    }
}
