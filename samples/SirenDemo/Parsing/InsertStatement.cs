using System.Globalization;
using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>INSERT INTO table [(column, ...)] VALUES (literal | NULL | {particulate}, ...)</c> (agathon's
/// InsertIntoSyntactic, InsertIntoExecutor). The SQL run always names the columns: those given, else
/// every column of the table, so a wrong number of values is SQLite's error, which SiREN swallows.
/// </summary>
internal sealed class InsertStatement(string command, SirenCatalog catalog) : SirenStatement(command, catalog)
{
    private string _table = "";
    private readonly List<string> _columns = [];

    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "INSERT")
            {
                Cursor.Match();
                if (Current.Upper == "INTO")
                {
                    Cursor.Match();
                    _table = ExistingTable("Identifier expected '{0}' found instead.") ?? "";
                    if (Current.Lexem == "(")
                    {
                        Cursor.Match();
                        Columns();
                        Cursor.Match(")", SirenTokenType.CloseBrace);
                    }
                    else
                    {
                        _columns.AddRange(Catalog.ColumnNames(_table));
                    }
                    if (Current.Upper == "VALUES")
                    {
                        Cursor.Match();
                        Cursor.Match("(", SirenTokenType.OpenBrace);
                        int position = 0;
                        Values(ref position);
                        Cursor.Match(")", SirenTokenType.CloseBrace);
                        if (!AtEnd) AddError($"Extra tokens after the end of statement: '{Current.Lexem}'.");
                    }
                    else
                    {
                        AddError($"VALUES expected '{Current.Lexem}' found instead");
                    }
                }
                else
                {
                    AddError($"INTO expected '{Current.Lexem}' found instead.");
                }
            }
            else
            {
                AddError($"INSERT INTO statement expected '{Current.Lexem}' found instead.");
            }
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error when processing INSERT INTO near '{Cursor.Last.Lexem}'.");
        }
    }

    private void Columns()
    {
        if (Current.Type != SirenTokenType.Identifier)
        {
            AddError($"Identifier expected '{Current.Lexem}' found instead.");
        }
        else if (!Catalog.IsValidColumn(_table, Current.Lexem))
        {
            AddError($"Column '{Current.Lexem}' does not exists in the table {_table}.");
        }
        else
        {
            _columns.Add(Current.Lexem);
            Cursor.Match();
        }
        if (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match(",", SirenTokenType.Comma);
            Columns();
        }
    }

    private void Values(ref int position)
    {
        Value(position);
        position++;
        if (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match(",", SirenTokenType.Comma);
            Values(ref position);
        }
    }

    private void Value(int position)
    {
        if (Current.Type is SirenTokenType.Integer or SirenTokenType.FloatingPoint or SirenTokenType.String || Current.Upper == "NULL")
        {
            Cursor.Match();
        }
        else if (Current.Type == SirenTokenType.OpenBlock)
        {
            Cursor.Match();
            int count = Particulates();
            // A plain column has no dimensions in SiREN's catalogue: 0 expected.
            int expected = Catalog.ParticulateDimensions(_table, position < _columns.Count ? _columns[position] : "");
            if (count != expected)
            {
                AddError($"A different number of dimensions was provided. '{expected.ToString(CultureInfo.InvariantCulture)}' dimensions expected, {count.ToString(CultureInfo.InvariantCulture)} provided.");
            }
            else if (Current.Type == SirenTokenType.CloseBlock)
            {
                Cursor.Match();
            }
            else
            {
                AddError($"Sign '}}' expected. '{Current.Lexem}' found instead.");
            }
        }
        else
        {
            AddError($"Integer, floating point or string expected. '{Current.Lexem}' found instead.");
        }
    }

    private int Particulates()
    {
        int count = 0;
        while (true)
        {
            if (Current.Type is SirenTokenType.FloatingPoint or SirenTokenType.Integer) Cursor.Match();
            else AddError($"Either integer or floating point expected after '{{'. '{Current.Lexem}' found instead.");
            count++;
            if (Current.Type != SirenTokenType.Comma) return count;
            Cursor.Match(",", SirenTokenType.Comma);
        }
    }

    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        var columns = new List<string>();
        var values = new List<string>();
        try
        {
            cursor.Match(); // INSERT
            cursor.Match(); // INTO
            string table = cursor.Current.Lexem;
            cursor.Match();
            if (cursor.Current.Lexem == "(")
            {
                cursor.Match();
                columns.AddRange(ListUntilClosingBrace(cursor));
                cursor.Match(")", SirenTokenType.CloseBrace);
            }
            else
            {
                columns.AddRange(Catalog.ColumnNames(table));
            }
            cursor.Match(); // VALUES
            cursor.Match("(", SirenTokenType.OpenBrace);
            values.AddRange(ListUntilClosingBrace(cursor));
            cursor.Match(")", SirenTokenType.CloseBrace);
            if (columns.Any(c => Catalog.IsComplexAttributeReference(table, c))) throw new NotEmulatedException("inserting into complex data-type columns");
            return [$"INSERT INTO {table} ({string.Join(",", columns.Select(c => $" {c} "))}) VALUES ({string.Join(",", values.Select(v => $" {v} "))})"];
        }
        catch (SirenParseAbort)
        {
            return [];
        }
    }

    private static List<string> ListUntilClosingBrace(SirenTokenCursor cursor)
    {
        var items = new List<string>();
        while (cursor.Current.Lexem != ")")
        {
            if (cursor.Current.Type == SirenTokenType.OpenBlock) throw new NotEmulatedException("particulate values");
            if (cursor.Current.Type != SirenTokenType.Comma) items.Add(cursor.Current.Lexem);
            cursor.Match();
        }
        return items;
    }
}
