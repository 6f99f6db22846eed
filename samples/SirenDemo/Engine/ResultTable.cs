namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// A query result stored the way SiREN stores it: one list of values per column NAME, keyed by
/// name. Two result columns with the same name therefore share one list, and each row adds
/// both of its values to it: <c>SELECT 1 AS a, 2 AS a</c> becomes column a = [1, 2], which
/// prints as two lines (transcript 15).
/// </summary>
internal sealed class ResultTable
{
    private readonly SortedDictionary<string, List<string>> _columnsByName = new(StringComparer.Ordinal);
    private readonly List<string>[] _columnOfField;

    /// <param name="fieldNames">The result's column names, in SELECT order, duplicates allowed.</param>
    public ResultTable(IReadOnlyList<string> fieldNames)
    {
        _columnOfField = new List<string>[fieldNames.Count];
        for (int i = 0; i < fieldNames.Count; i++)
        {
            if (!_columnsByName.TryGetValue(fieldNames[i], out List<string>? column))
            {
                column = [];
                _columnsByName.Add(fieldNames[i], column);
            }

            _columnOfField[i] = column;
        }
    }

    /// <summary>Whether any value was added: a result without rows prints nothing, not even the header.</summary>
    public bool IsEmpty { get; private set; } = true;

    /// <summary>Column names in the order SiREN prints them: ordinal (UTF-16 unit) order, like QMap&lt;QString&gt;.</summary>
    public IEnumerable<string> Names => _columnsByName.Keys;

    /// <summary>The value lists, in the same order as <see cref="Names"/>.</summary>
    public IEnumerable<List<string>> Columns => _columnsByName.Values;

    /// <summary>Appends the value of result field <paramref name="field"/> of the current row.</summary>
    public void Add(int field, string value)
    {
        _columnOfField[field].Add(value);
        IsEmpty = false;
    }
}
