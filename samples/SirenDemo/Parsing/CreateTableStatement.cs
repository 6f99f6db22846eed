using System.Text;
using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>CREATE TABLE name (column type [constraints], ..., [table constraints])</c> (agathon's
/// CreateTableSyntactic, CreateTableExecutor). SiREN rebuilds the statement from what it parsed, so the
/// table SQLite gets is SiREN's version: types as written, "( n )" spaced out, and the constraints
/// moved to the end, except NOT NULL, which upstream files under the wrong column and so loses.
/// Complex data types and METRIC constraints (the similarity extensions) are not emulated.
/// </summary>
internal sealed class CreateTableStatement(string command, SirenCatalog catalog) : SirenStatement(command, catalog)
{
    private readonly List<(string Name, string Type)> _columns = [];

    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "CREATE")
            {
                Cursor.Match();
                if (Current.Upper == "TABLE") Cursor.Match();
                else AddError($"TABLE expected. '{Current.Lexem}' found instead.");
                TableName();
                Cursor.Match("(", SirenTokenType.OpenBrace);
                Elements();
                Cursor.Match(")", SirenTokenType.CloseBrace);
                if (!AtEnd) AddError($"Extra tokens at the end of the statement: '{Current.Lexem}'.");
            }
            else
            {
                AddError($"CREATE TABLE expected. '{Current.Lexem}' found instead.");
            }
        }
        catch (SirenParseAbort)
        {
            AddError("Syntax error when processing CREATE TABLE statement.");
        }
    }

    // The third token is the new table; a table named elsewhere is a reference (upstream's check of
    // that one is inverted: it must NOT exist).
    private void TableName()
    {
        if (Current.Type != SirenTokenType.Identifier)
        {
            AddError($"Identifier expected. ' {Current.Lexem}' found.");
        }
        else if (Cursor.Position == 2)
        {
            if (Catalog.IsValidTable(Current.Lexem)) AddError($"Table '{Current.Lexem}' already exists.");
            else if (Current.Lexem.Contains('$', StringComparison.Ordinal)) AddError($"Symbol $ in '{Current.Lexem}' is reserved and can't be used as part of a table name.");
            else Cursor.Match();
        }
        else if (Catalog.IsValidTable(Current.Lexem))
        {
            AddError($"Table '{Current.Lexem}' does not exists.");
        }
        else
        {
            Cursor.Match();
        }
    }

    private void Elements()
    {
        if (Current.Upper is "CONSTRAINT" or "PRIMARY" or "UNIQUE" or "FOREIGN" or "METRIC") TableConstraint();
        else ColumnDefinition();
        if (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match(",", SirenTokenType.Comma);
            Elements();
        }
    }

    private void ColumnDefinition()
    {
        if (Current.Type == SirenTokenType.Identifier)
        {
            _columns.Add((Current.Lexem, ""));
            Cursor.Match();
        }
        else
        {
            AddError($"Identifier expected. '{Current.Lexem}' found.");
        }
        DataType();
        while (Current.Type == SirenTokenType.Identifier) ColumnConstraint();
    }

    private void DataType()
    {
        string type = Current.Upper;
        if (SirenCatalog.IsValidDataType(type) || Catalog.IsValidComplexDataType(type))
        {
            if (_columns.Count > 0) _columns[^1] = (_columns[^1].Name, type);
            Cursor.Match();
        }
        else
        {
            AddError($"Valid data type expected. '{Current.Lexem}' found instead.");
        }
        if (Current.Type == SirenTokenType.OpenBrace)
        {
            Cursor.Match("(", SirenTokenType.OpenBrace);
            if (Current.Type == SirenTokenType.Integer) Cursor.Match(Current.Lexem, SirenTokenType.Integer);
            else AddError($"Integer expected. {Current.Lexem} found.");
            Cursor.Match(")", SirenTokenType.CloseBrace);
        }
    }

    private void ColumnConstraint()
    {
        ConstraintName();
        switch (Current.Upper)
        {
            case "NOT":
                Cursor.Match();
                if (Current.Upper == "NULL") Cursor.Match();
                else AddError($"NULL expected. '{Current.Lexem}' found instead.");
                break;
            case "NULL":
                Cursor.Match();
                break;
            case "UNIQUE":
                Cursor.Match();
                LookBack(2, 5, 3);
                break;
            case "PRIMARY":
                Cursor.Match();
                if (Current.Upper == "KEY")
                {
                    Cursor.Match();
                    LookBack(3, 6, 4);
                }
                else
                {
                    AddError($"KEY expected. '{Current.Lexem}' found instead.");
                }
                break;
            case "FOREIGN":
                Cursor.Match();
                if (Current.Upper != "KEY")
                {
                    AddError($"KEY expected. '{Current.Lexem}' found instead.");
                }
                else
                {
                    Cursor.Match();
                    if (Current.Upper == "REFERENCES")
                    {
                        LookBack(3, 6, 4);
                        Cursor.Match();
                        TableName();
                        if (Current.Lexem == "(")
                        {
                            Cursor.Match("(", SirenTokenType.OpenBrace);
                            ColumnNames();
                            Cursor.Match(")", SirenTokenType.CloseBrace);
                        }
                        else
                        {
                            AddError($"'(' expected. '{Current.Lexem}' found instead.");
                        }
                    }
                }
                break;
            case "METRIC":
                throw new NotEmulatedException("METRIC constraints");
            default:
                AddError($"Constraint expected. '{Current.Lexem}' found.");
                if (Current.Type == SirenTokenType.Identifier) Cursor.Match();
                break;
        }
    }

    // Upstream looks back at the tokens before the constraint to find its column; reading before
    // the first token (as happens at the end of the input) aborts the check.
    private void LookBack(int brace, int afterBrace, int plain)
    {
        _ = Cursor.TokenAt(Cursor.Position - brace).Lexem == ")" ? Cursor.TokenAt(Cursor.Position - afterBrace) : Cursor.TokenAt(Cursor.Position - plain);
    }

    private void ConstraintName()
    {
        if (Current.Upper != "CONSTRAINT") return;
        if (Catalog.IsComplexAttributeIndex(Current.Lexem))
        {
            AddError($"Constraint '{Current.Lexem}' already exists.");
            return;
        }
        Cursor.Match(Current.Lexem, SirenTokenType.Identifier);
        if (Current.Type == SirenTokenType.Identifier) Cursor.Match();
        else AddError($"Identifier expected. '{Current.Lexem}' found.");
    }

    private void TableConstraint()
    {
        ConstraintName();
        switch (Current.Upper)
        {
            case "PRIMARY":
                Cursor.Match();
                if (Current.Upper == "KEY") Cursor.Match();
                else AddError($"KEY expected. '{Current.Lexem}' found instead.");
                Cursor.Match("(", SirenTokenType.OpenBrace);
                ColumnNames();
                Cursor.Match(")", SirenTokenType.CloseBrace);
                break;
            case "UNIQUE":
                Cursor.Match();
                Cursor.Match("(", SirenTokenType.OpenBrace);
                ColumnNames();
                Cursor.Match(")", SirenTokenType.CloseBrace);
                break;
            case "FOREIGN":
                Cursor.Match();
                if (Current.Upper == "KEY") Cursor.Match();
                else AddError($"KEY expected. '{Current.Lexem}' found instead.");
                Cursor.Match("(", SirenTokenType.OpenBrace);
                ColumnNames();
                Cursor.Match(")", SirenTokenType.CloseBrace);
                if (Current.Upper == "REFERENCES") Cursor.Match();
                else AddError($"REFERENCES expected. '{Current.Lexem}' found instead.");
                _ = Current.Lexem;
                TableName();
                if (Current.Lexem == "(")
                {
                    Cursor.Match("(", SirenTokenType.OpenBrace);
                    ColumnNames();
                    Cursor.Match(")", SirenTokenType.CloseBrace);
                }
                else
                {
                    ColumnNames();
                }
                break;
            case "METRIC":
                throw new NotEmulatedException("METRIC constraints");
        }
    }

    private void ColumnNames()
    {
        if (Current.Type != SirenTokenType.Identifier) AddError($"Identifier expected:  '{Current.Lexem}' found.");
        else if (Current.Lexem.Contains('$', StringComparison.Ordinal)) AddError($"Symbol $ in '{Current.Lexem}' is reserved and can't be used as part of a column name.");
        else Cursor.Match();
        if (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match(",", SirenTokenType.Comma);
            ColumnNames();
        }
    }

    public override IReadOnlyList<string> Translate()
    {
        if (_columns.Any(c => Catalog.IsValidComplexDataType(c.Type))) throw new NotEmulatedException("complex data types");
        try
        {
            return [new CreateTableTranslation(new SirenTokenCursor(Command)).Statement()];
        }
        catch (SirenParseAbort)
        {
            return [];
        }
    }

    /// <summary>CreateTableExecutor's second reading of a valid statement and its rebuilt SQL.</summary>
    private sealed class CreateTableTranslation(SirenTokenCursor cursor)
    {
        private readonly List<(string Name, string Type)> _columns = [];
        private readonly List<Constraint> _constraints = [];
        private string _referencedTable = "";

        private enum Kind
        {
            PrimaryKey,
            Unique,
            ForeignKey,
            NotNull,
            Null,
        }

        private sealed record Constraint(Kind Kind, List<string> Columns, string ReferencedTable, List<string> ReferencedColumns);

        public string Statement()
        {
            cursor.Match(); // CREATE
            cursor.Match(); // TABLE
            cursor.Match(); // the name
            cursor.Match("(", SirenTokenType.OpenBrace);
            Elements();
            cursor.Match(")", SirenTokenType.CloseBrace);
            return Rebuilt();
        }

        private void Elements()
        {
            if (cursor.Current.Upper is "CONSTRAINT" or "PRIMARY" or "UNIQUE" or "FOREIGN" or "METRIC") TableConstraint();
            else ColumnDefinition();
            if (cursor.Current.Type == SirenTokenType.Comma)
            {
                cursor.Match(",", SirenTokenType.Comma);
                Elements();
            }
        }

        private void ColumnDefinition()
        {
            string name = cursor.Current.Lexem;
            cursor.Match();
            string type = cursor.Current.Lexem;
            cursor.Match();
            if (cursor.Current.Type == SirenTokenType.OpenBrace)
            {
                cursor.Match("(", SirenTokenType.OpenBrace);
                type += " ( " + cursor.Current.Lexem;
                cursor.Match(cursor.Current.Lexem, SirenTokenType.Integer);
                cursor.Match(")", SirenTokenType.CloseBrace);
                type += " )";
            }
            _columns.Add((name, type));
            while (cursor.Current.Type == SirenTokenType.Identifier) ColumnConstraint();
        }

        private void ColumnConstraint()
        {
            ConstraintName();
            switch (cursor.Current.Upper)
            {
                case "NOT":
                    cursor.Match();
                    cursor.Match();
                    // Upstream's look-back lands on the type, not the column: the constraint is lost.
                    Add(Kind.NotNull, ColumnBefore(2, 6, 3));
                    break;
                case "NULL":
                    cursor.Match();
                    Add(Kind.Null, ColumnBefore(2, 5, 3));
                    break;
                case "UNIQUE":
                    cursor.Match();
                    Add(Kind.Unique, ColumnBefore(2, 5, 3));
                    break;
                case "PRIMARY":
                    cursor.Match();
                    cursor.Match();
                    Add(Kind.PrimaryKey, ColumnBefore(3, 6, 4));
                    break;
                case "FOREIGN":
                    cursor.Match();
                    cursor.Match();
                    string column = ColumnBefore(3, 6, 4);
                    cursor.Match();
                    TableName();
                    if (cursor.Current.Lexem == "(")
                    {
                        cursor.Match("(", SirenTokenType.OpenBrace);
                        var referenced = Names();
                        cursor.Match(")", SirenTokenType.CloseBrace);
                        _constraints.Add(new Constraint(Kind.ForeignKey, [column], _referencedTable, referenced));
                    }
                    break;
            }
        }

        private string ColumnBefore(int brace, int afterBrace, int plain) =>
            (cursor.TokenAt(cursor.Position - brace).Lexem == ")" ? cursor.TokenAt(cursor.Position - afterBrace) : cursor.TokenAt(cursor.Position - plain)).Lexem;

        private void Add(Kind kind, string column) => _constraints.Add(new Constraint(kind, [column], "", []));

        private void ConstraintName()
        {
            if (cursor.Current.Upper != "CONSTRAINT") return;
            cursor.Match(cursor.Current.Lexem, SirenTokenType.Identifier);
            cursor.Match();
        }

        private void TableName()
        {
            if (cursor.Position != 2) _referencedTable = cursor.Current.Lexem;
            cursor.Match();
        }

        private void TableConstraint()
        {
            ConstraintName();
            switch (cursor.Current.Upper)
            {
                case "PRIMARY":
                    cursor.Match();
                    cursor.Match();
                    _constraints.Add(new Constraint(Kind.PrimaryKey, Parenthesised(), "", []));
                    break;
                case "UNIQUE":
                    cursor.Match();
                    _constraints.Add(new Constraint(Kind.Unique, Parenthesised(), "", []));
                    break;
                case "FOREIGN":
                    cursor.Match();
                    cursor.Match();
                    var columns = Parenthesised();
                    cursor.Match(); // REFERENCES
                    // Upstream adds the referenced table to the constrained columns too.
                    columns.Add(cursor.Current.Lexem);
                    TableName();
                    _constraints.Add(new Constraint(Kind.ForeignKey, columns, _referencedTable, Parenthesised()));
                    break;
            }
        }

        private List<string> Parenthesised()
        {
            cursor.Match("(", SirenTokenType.OpenBrace);
            var names = Names();
            cursor.Match(")", SirenTokenType.CloseBrace);
            return names;
        }

        private List<string> Names()
        {
            var names = new List<string> { cursor.Current.Lexem };
            cursor.Match();
            while (cursor.Current.Type == SirenTokenType.Comma)
            {
                cursor.Match(",", SirenTokenType.Comma);
                names.Add(cursor.Current.Lexem);
                cursor.Match();
            }
            return names;
        }

        private string Rebuilt()
        {
            var sql = new StringBuilder("CREATE TABLE ").Append(cursor.TokenAt(2).Lexem).Append(" ( ");
            for (int i = 0; i < _columns.Count; i++)
            {
                var (name, type) = _columns[i];
                if (i > 0) sql.Append(" , ");
                sql.Append(' ').Append(name).Append(' ').Append(type).Append(' ');
                if (Has(Kind.NotNull, name)) sql.Append("NOT NULL ");
                else if (Has(Kind.Null, name)) sql.Append("NULL ");
            }
            foreach (var constraint in _constraints)
            {
                string columns = string.Join(",", constraint.Columns.Select(c => c + " "));
                switch (constraint.Kind)
                {
                    case Kind.PrimaryKey:
                        sql.Append(", PRIMARY KEY ( ").Append(columns).Append(')');
                        break;
                    case Kind.Unique:
                        sql.Append(", UNIQUE ( ").Append(columns).Append(')');
                        break;
                    case Kind.ForeignKey:
                        sql.Append(", FOREIGN KEY ( ").Append(columns).Append(") REFERENCES ").Append(constraint.ReferencedTable)
                           .Append("( ").Append(string.Join(",", constraint.ReferencedColumns.Select(c => c + " "))).Append(')');
                        break;
                }
            }
            return sql.Append(" )").ToString();
        }

        private bool Has(Kind kind, string column) => _constraints.Any(c => c.Kind == kind && c.Columns.Contains(column));
    }
}
