using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// DELETE and UPDATE: upstream gives each its own copy of the same WHERE grammar, differing only in
/// the messages of their column and value rules. A condition is a column of the table, then a
/// comparison or LIKE and a literal, or [NOT] IN (literals), or BETWEEN (which upstream checks
/// without moving past the keyword, so it always fails).
/// </summary>
internal abstract class ConditionalStatement(string command, SirenCatalog catalog, string kind) : SirenStatement(command, catalog)
{
    /// <summary>The statement's column rule: matches a column of its table or reports why not.</summary>
    protected abstract void ColumnName();

    /// <summary>The statement's literal rule: matches a literal or reports what was found.</summary>
    protected abstract void Value();

    protected void Conditions()
    {
        Condition();
        if (!AtEnd && Current.Upper is "AND" or "OR")
        {
            Cursor.Match();
            Conditions();
        }
    }

    private void Condition()
    {
        ColumnName();
        if (IsComparison(Current))
        {
            Cursor.Match();
            Value();
            return;
        }
        if (Current.Upper == "NOT")
        {
            Cursor.Match();
            if (Current.Upper == "IN") ValueList();
            else AddError($"IN expected. '{Current.Lexem}' found instead.");
        }
        if (Current.Upper == "IN")
        {
            ValueList();
        }
        else if (Current.Upper == "BETWEEN")
        {
            Value();
            if (Current.Upper == "AND")
            {
                Cursor.Match();
                Value();
            }
            else
            {
                AddError($"AND expected. '{Current.Lexem}' found instead.");
            }
        }
        else
        {
            AddError($"Predicate '{Current.Lexem}' is not valid for {kind} statement.");
        }
    }

    private void ValueList()
    {
        Cursor.Match();
        Cursor.Match("(", SirenTokenType.OpenBrace);
        Value();
        while (Current.Type == SirenTokenType.Comma)
        {
            Cursor.Match();
            Value();
        }
        Cursor.Match(")", SirenTokenType.CloseBrace);
    }

    private static bool IsComparison(SirenToken token) =>
        token.Type is SirenTokenType.Equal or SirenTokenType.NotEqual or SirenTokenType.LessGreater or SirenTokenType.Less
            or SirenTokenType.LessOrEqual or SirenTokenType.Greater or SirenTokenType.GreaterOrEqual
        || token.Upper == "LIKE";
}
