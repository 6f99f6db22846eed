using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// <c>DESC table</c> and <c>DESC METRIC name</c>; also every command whose first word SiREN does not
/// know, which is why those fail with "DESC expected. 'WORD' found instead." (agathon's DescSyntactic,
/// DescExecutor). A table's description is SQLite's <c>pragma_table_info</c>.
/// </summary>
internal sealed class DescStatement(string command, SirenCatalog catalog) : SirenStatement(command, catalog)
{
    protected override void Specification()
    {
        try
        {
            if (Current.Upper == "DESC")
            {
                Cursor.Match();
                if (Current.Upper == "METRIC")
                {
                    Cursor.Match();
                    MetricName();
                }
                else
                {
                    ExistingTable("Identifier expected. '{0}' found instead.");
                }
                if (!AtEnd) AddError($"Extra tokens at the end of statement: '{Current.Lexem}'.");
            }
            else
            {
                AddError($"DESC expected. '{Current.Lexem}' found instead.");
            }
        }
        catch (SirenParseAbort)
        {
            AddError($"Syntax error when processing DESC near '{Cursor.Last.Lexem}'.");
        }
    }

    private void MetricName()
    {
        if (Current.Type != SirenTokenType.Identifier) AddError($"Identifier expected. '{Current.Lexem}' found instead.");
        else if (!Catalog.IsMetric(Current.Lexem)) AddError($"Metric '{Current.Lexem}' does not exists.");
        else Cursor.Match();
    }

    public override IReadOnlyList<string> Translate()
    {
        var cursor = new SirenTokenCursor(Command);
        try
        {
            cursor.Match();
            if (cursor.Current.Upper == "METRIC")
            {
                cursor.Match();
                return [SirenCatalog.DescMetricCommand(cursor.Current.Lexem)];
            }
            return [SirenCatalog.DescTableCommand(cursor.Current.Lexem)];
        }
        catch (SirenParseAbort)
        {
            return [];
        }
    }
}
