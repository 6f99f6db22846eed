using System.Text;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// Prints a result as SiREN does: a header of column names joined by ", ", then one line per
/// row of values joined by ", ", every line ending in "\n". Nothing is quoted or escaped.
/// </summary>
internal static class ResultFormatter
{
    /// <summary>The reply body; empty for a result without rows.</summary>
    public static string Format(ResultTable table)
    {
        if (table.IsEmpty)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.AppendJoin(", ", table.Names).Append('\n');

        List<string>[] columns = [.. table.Columns];
        int lineCount = 0;
        foreach (List<string> column in columns)
        {
            lineCount = Math.Max(lineCount, column.Count);
        }

        // Merged duplicate columns are longer than the others; where a column has run out,
        // its place on the line stays empty (the real server's behaviour there is unobserved).
        for (int line = 0; line < lineCount; line++)
        {
            for (int c = 0; c < columns.Length; c++)
            {
                if (c > 0)
                {
                    text.Append(", ");
                }

                if (line < columns[c].Count)
                {
                    text.Append(columns[c][line]);
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
