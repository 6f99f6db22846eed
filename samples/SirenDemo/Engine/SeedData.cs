using Microsoft.Data.Sqlite;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// The demo tables. <c>images</c> holds exactly the five rows of the SiREN transcripts, with the
/// real server's test schema (so DESC and key clashes answer alike), and every path in every
/// table names a file that exists under samples/pacs, so any row can be fetched with REQUEST.
/// </summary>
public static class SeedData
{
    /// <summary>Row count of <c>big_images</c>, as on the server the transcripts were taken from.</summary>
    public const int BigImagesRows = 2000;

    /// <summary>Row count of the <c>huge_images</c> view, for tests of 100k-row replies.</summary>
    public const int HugeImagesRows = 100_000;

    /// <summary>The sample files the seeded rows point at, in row order of <c>images</c>.</summary>
    public static IReadOnlyList<string> SamplePaths { get; } =
    [
        "study1/img001.dcm",
        "study1/img002.dcm",
        "study2/img001.dcm",
        "study2/img002.dcm",
        "study3/img001.dcm",
    ];

    private const string ImagesSql = """
        CREATE TABLE images (id INTEGER PRIMARY KEY, path TEXT, label TEXT);
        INSERT INTO images (id, label, path) VALUES
            (1, 'normal', 'study1/img001.dcm'),
            (2, 'nodule', 'study1/img002.dcm'),
            (3, 'normal', 'study2/img001.dcm'),
            (4, 'fracture', 'study2/img002.dcm'),
            (5, 'nodule', 'study3/img001.dcm');
        """;

    // Row n repeats images row ((n - 1) % 5) + 1 with the id n: deterministic, and every path exists.
    private const string BigImagesSql = """
        CREATE TABLE big_images (id INTEGER PRIMARY KEY, path TEXT, label TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
        INSERT INTO big_images (id, label, path)
            SELECT n.i, images.label, images.path FROM n JOIN images ON images.id = (n.i - 1) % 5 + 1
            ORDER BY n.i;
        """;

    // A view rather than a table: the rows are generated while SELECT reads them, so a peer
    // starts in microseconds and a 100k-row reply costs no storage.
    private const string HugeImagesSql = """
        CREATE VIEW huge_images AS
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
            SELECT n.i AS id,
                   CASE (n.i - 1) % 5 WHEN 0 THEN 'normal' WHEN 1 THEN 'nodule' WHEN 2 THEN 'normal'
                                      WHEN 3 THEN 'fracture' ELSE 'nodule' END AS label,
                   CASE (n.i - 1) % 5 WHEN 0 THEN 'study1/img001.dcm' WHEN 1 THEN 'study1/img002.dcm'
                                      WHEN 2 THEN 'study2/img001.dcm' WHEN 3 THEN 'study2/img002.dcm'
                                      ELSE 'study3/img001.dcm' END AS path
            FROM n;
        """;

    /// <summary>Creates each demo table that does not exist yet (an existing database keeps its data).</summary>
    public static void Apply(SqliteConnection connection)
    {
        CreateUnlessPresent(connection, "images", ImagesSql);
        CreateUnlessPresent(connection, "big_images", BigImagesSql);
        CreateUnlessPresent(connection, "huge_images", HugeImagesSql);
    }

    private static void CreateUnlessPresent(SqliteConnection connection, string name, string sql)
    {
        using SqliteCommand exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = $name COLLATE NOCASE";
        exists.Parameters.AddWithValue("$name", name);
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }

        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand create = connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = sql;
        create.ExecuteNonQuery();
        transaction.Commit();
    }
}
