using System.Globalization;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// What SiREN's checkers ask about the database (agathon's <c>DataDictionary</c>, SQLite branch), with
/// the same SQL text, names pasted in between quotes as the original does. SiREN's own catalogue tables
/// (CDD$..., EPD$...) exist only in a database made from its schema, such as the real server's test
/// database; elsewhere those questions find nothing, as SiREN's would.
/// </summary>
internal sealed class SirenCatalog(SqliteStatementRunner sql)
{
    private static readonly string[] SimpleDataTypes = ["INTEGER", "REAL", "TEXT", "BLOB", "VARCHAR"];

    public bool IsValidTable(string table) => HasRows($"SELECT * FROM pragma_table_info ('{table}')");

    public bool IsValidColumn(string table, string column) =>
        HasRows($"SELECT name FROM pragma_table_info ('{table}') WHERE name = '{column}'");

    public IReadOnlyList<string> ColumnNames(string table) => FirstColumn($"SELECT name FROM pragma_table_info ('{table}');");

    /// <summary>QStringList::filter: any of the types that CONTAINS the text (so "INT" and "CHAR" pass, "int" does not).</summary>
    public static bool IsValidDataType(string type) => SimpleDataTypes.Any(t => t.Contains(type, StringComparison.Ordinal));

    public bool IsValidComplexDataType(string type) => HasRows($"SELECT id FROM EPD$DataTypes WHERE UPPER(name)='{type}'");

    public bool IsMetric(string metric) => HasRows($"SELECT MetricCode FROM CDD$MetricStruct WHERE MetricName = '{metric}'");

    public bool IsComplexAttributeReference(string table, string column) =>
        HasRows($"SELECT ComplexAttribId AS complexid FROM CDD$ComplexAttribute WHERE TableName = '{table}' AND ComplexAttribName = '{column}'");

    // A count(*) always has a row where the table exists, whatever the name: SiREN's answer is then "yes".
    public bool IsComplexAttributeIndex(string index) => HasRows($"SELECT count(*) FROM CDD$ComplexAttribMetric WHERE IndexName = '{index}'");

    public IReadOnlyList<string> ComplexAttributes(string table) =>
        FirstColumn($"SELECT DISTINCT ComplexAttribName FROM CDD$ComplexAttribute WHERE TableName = '{table}'");

    /// <summary>QString::toInt of the first value: 0 when there is none or it is not a number.</summary>
    public int ParticulateDimensions(string table, string column)
    {
        var values = FirstColumn($"SELECT ComplexAttribDimensionality FROM CDD$ComplexAttribMetric mi WHERE mi.TableName = '{table}' AND mi.ComplexAttribName = '{column}'");
        return values.Count > 0 && int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : 0;
    }

    public static string DescTableCommand(string table) => $"SELECT * FROM pragma_table_info ('{table}');";

    // Upstream's text as it is, missing comma included: SQLite refuses it and DESC METRIC shows nothing.
    public static string DescMetricCommand(string metric) =>
        "SELECT MetricName AS Metric, name AS DataType DistanceName AS DistanceFunction FROM CDD$MetricStruct m JOIN EPD$DistanceFunctions d " +
        $"ON m.DistanceCode = d.DistanceCode JOIN EPD$DataTypes e ON e.id = m.DataTypeId WHERE MetricName='{metric}'";

    private bool HasRows(string query) => !sql.RunSelect(query).IsEmpty;

    // runSelect keys columns by name; SiREN takes the first in that order.
    private List<string> FirstColumn(string query) => sql.RunSelect(query).Columns.FirstOrDefault() ?? [];
}
