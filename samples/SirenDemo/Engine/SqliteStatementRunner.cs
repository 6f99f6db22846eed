using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using SQLitePCL;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// Runs one SQL statement the way Qt's SQLite driver (which SiREN uses) does: one statement per
/// call, anything after it is an error ("Unable to execute multiple statements at a time"),
/// values rendered as Qt's <c>QVariant::toString()</c> would.
/// </summary>
internal sealed class SqliteStatementRunner(sqlite3 db)
{
    /// <summary>Runs a query and collects its rows into <paramref name="table"/>.</summary>
    public QueryOutcome RunQuery(string sql, out ResultTable? table)
    {
        table = null;
        if (!TryPrepare(sql, out sqlite3_stmt? statement, out _))
        {
            return QueryOutcome.Rejected;
        }

        using (statement)
        {
            int rows = 0;
            while (true)
            {
                int rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_DONE)
                {
                    table ??= new ResultTable(FieldNames(statement));
                    return QueryOutcome.Completed;
                }

                if (rc != raw.SQLITE_ROW)
                {
                    // Qt's exec() fails when the first step fails. A later failure just ends
                    // QSqlQuery::next(): SiREN prints the rows it got (the real server does).
                    if (rows == 0)
                    {
                        table = null;
                        return QueryOutcome.Rejected;
                    }

                    return QueryOutcome.Completed;
                }

                table ??= new ResultTable(FieldNames(statement));
                int fieldCount = raw.sqlite3_column_count(statement);
                for (int field = 0; field < fieldCount; field++)
                {
                    table.Add(field, ValueText(statement, field));
                }

                rows++;
            }
        }
    }

    /// <summary>
    /// What SiREN's <c>DatabaseManager::runSelect</c> makes of any statement: its rows, keyed by
    /// column name; nothing at all (an empty table) when SQLite refuses it. Errors are not reported.
    /// </summary>
    public ResultTable RunSelect(string sql) =>
        RunQuery(sql, out ResultTable? table) == QueryOutcome.Completed ? table! : new ResultTable([]);

    private bool TryPrepare(string sql, [NotNullWhen(true)] out sqlite3_stmt? statement, out string error)
    {
        statement = null;
        int rc = raw.sqlite3_prepare_v2(db, sql, out sqlite3_stmt prepared, out string tail);
        if (rc != raw.SQLITE_OK)
        {
            prepared.Dispose();
            error = raw.sqlite3_errmsg(db).utf8_to_string();
            return false;
        }

        // Qt's driver refuses anything after the first statement (white space aside).
        if (!string.IsNullOrWhiteSpace(tail) || prepared.IsInvalid)
        {
            prepared.Dispose();
            error = "Unable to execute multiple statements at a time";
            return false;
        }

        statement = prepared;
        error = string.Empty;
        return true;
    }

    private static string[] FieldNames(sqlite3_stmt statement)
    {
        var names = new string[raw.sqlite3_column_count(statement)];
        for (int i = 0; i < names.Length; i++)
        {
            // Qt's driver strips double quotes from column names.
            names[i] = raw.sqlite3_column_name(statement, i).utf8_to_string().Replace("\"", string.Empty, StringComparison.Ordinal);
        }

        return names;
    }

    private static string ValueText(sqlite3_stmt statement, int field) =>
        raw.sqlite3_column_type(statement, field) switch
        {
            raw.SQLITE_NULL => string.Empty,
            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, field).ToString(CultureInfo.InvariantCulture),
            raw.SQLITE_FLOAT => QtNumberFormat.Format(raw.sqlite3_column_double(statement, field)),
            // Text keeps embedded NULs (Qt reads it with its length)...
            raw.SQLITE_TEXT => Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, field)),
            // ...a blob becomes text up to its first NUL, as QVariant(QByteArray).toString() does.
            _ => BlobText(raw.sqlite3_column_blob(statement, field)),
        };

    private static string BlobText(ReadOnlySpan<byte> blob)
    {
        int nul = blob.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? blob : blob[..nul]);
    }
}
