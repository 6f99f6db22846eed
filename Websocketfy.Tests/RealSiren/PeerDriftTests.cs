using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// The SiREN-protocol peer in samples/ must answer byte for byte like the real server (PROTOCOL.md
/// section 2). One script of commands goes, directly over TCP, to both — the peer working on a copy of
/// the real server's test database, so both hold the same rows — and every answer is compared.
/// </summary>
[TestFixture]
[Category(SirenBuild.Category)]
public sealed class PeerDriftTests
{
    /// <summary>The script: each command in one write, and how SiREN ends its answer to it.</summary>
    private static readonly (string Command, SirenReplyEnd End)[] Script =
    [
        // Result sets: columns sorted by name, NULL as nothing, duplicate names merged, unquoted values.
        ("SELECT * FROM images\n", SirenReplyEnd.Prompt),
        ("  select id, path from images where id >= 4;  \n", SirenReplyEnd.Prompt),
        ("SELECT 2 AS b, 1 AS a, 3 AS c\n", SirenReplyEnd.Prompt),
        ("SELECT NULL AS x, 1 AS y, '' AS z\n", SirenReplyEnd.Prompt),
        ("SELECT 1 AS a, 2 AS a\n", SirenReplyEnd.Prompt),
        ("SELECT id, id FROM images WHERE id = 1\n", SirenReplyEnd.Prompt),
        ("SELECT 'x, y' AS v, 'line1' || char(10) || 'line2' AS w\n", SirenReplyEnd.Prompt),
        ("SELECT 'Siren::SQL> ' AS v\n", SirenReplyEnd.Prompt),
        ("SELECT count(*) FROM images\n", SirenReplyEnd.Prompt),
        ("SELECT 1.5 AS f, 10/3 AS i, 1e3 AS e, 1e6 AS m, 0.1 AS d, -2.5 AS n, 123456789012 AS l\n", SirenReplyEnd.Prompt),
        ("SELECT 1e-5 AS a, 2e20 AS b, 0.0 AS c, -0.0 AS d, 1.0/3 AS e\n", SirenReplyEnd.Prompt),
        ("SELECT x'41' AS b\n", SirenReplyEnd.Prompt),
        // Non-ASCII text: SiREN sizes the reply in UTF-16 units, so its end is cut short.
        ("SELECT 'café' AS v, 'ok' AS w\n", SirenReplyEnd.Prompt),
        ("SELECT '☃☃' AS snow\n", SirenReplyEnd.Prompt),
        ("SELECT '😀' AS e\n", SirenReplyEnd.Prompt),
        // The big table, small and whole (about 80 KB).
        ("SELECT * FROM big_images WHERE id <= 3\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM big_images\n", SirenReplyEnd.Prompt),
        // Errors: SiREN's parser, and SQL errors of a plain SELECT (no body).
        ("FOO BAR\n", SirenReplyEnd.Prompt),
        ("SELEC * FROM images\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM no_such_table\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM images WHERE\n", SirenReplyEnd.Prompt),
        ("SELECT 1; SELECT 2;\n", SirenReplyEnd.Prompt),
        ("SELECT id, CASE WHEN id < 3 THEN id ELSE abs(-9223372036854775807 - 1) END AS v FROM images\n", SirenReplyEnd.Prompt),
        ("_underscore\n", SirenReplyEnd.Prompt),
        ("DROP\n", SirenReplyEnd.Prompt),
        ("INSERT INTO no_such_table VALUES (1)\n", SirenReplyEnd.Prompt),
        ("CREATE TABLE images (id INTEGER)\n", SirenReplyEnd.Prompt),
        ("DROP TABLE no_such_table\n", SirenReplyEnd.Prompt),
        ("DELETE FROM no_such_table\n", SirenReplyEnd.Prompt),
        ("UPDATE no_such_table SET a = 1\n", SirenReplyEnd.Prompt),
        ("ALTER TABLE no_such_table ADD x INTEGER\n", SirenReplyEnd.Prompt),
        ("DESC images\n", SirenReplyEnd.Prompt),
        ("DESC no_such_table\n", SirenReplyEnd.Prompt),
        ("DESC\n", SirenReplyEnd.Prompt),
        // Blank commands and CR LF.
        ("\n", SirenReplyEnd.BareNewline),
        (";\n", SirenReplyEnd.BareNewline),
        ("   \n", SirenReplyEnd.BareNewline),
        ("\r\n", SirenReplyEnd.Prompt),
        ("\r\n\r\n", SirenReplyEnd.BareNewline),
        ("SELECT 1\r\n", SirenReplyEnd.Prompt),
        // DDL and DML.
        ("CREATE TABLE drift (id INTEGER, name TEXT)\n", SirenReplyEnd.Prompt),
        ("INSERT INTO drift VALUES (1, 'one')\n", SirenReplyEnd.Prompt),
        ("INSERT INTO drift (id, name) VALUES (2, NULL)\n", SirenReplyEnd.Prompt),
        ("INSERT INTO drift VALUES (3)\n", SirenReplyEnd.Prompt),
        ("UPDATE drift SET name = 'uno' WHERE id = 1\n", SirenReplyEnd.Prompt),
        ("UPDATE drift SET name = 'all'\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM drift\n", SirenReplyEnd.Prompt),
        ("DELETE FROM drift WHERE id = 2\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM drift\n", SirenReplyEnd.Prompt),
        ("INSERT INTO drift (id, nope) VALUES (4, 'x')\n", SirenReplyEnd.Prompt),
        ("DELETE FROM drift WHERE nope = 1\n", SirenReplyEnd.Prompt),
        ("ALTER TABLE drift ADD extra INTEGER\n", SirenReplyEnd.Prompt),
        ("CREATE TABLE drift_keys (a INT, b TEXT, PRIMARY KEY (a, b), UNIQUE (b))\n", SirenReplyEnd.Prompt),
        ("DESC drift_keys\n", SirenReplyEnd.Prompt),
        ("DROP TABLE drift_keys\n", SirenReplyEnd.Prompt),
        ("DELETE FROM drift\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM drift\n", SirenReplyEnd.Prompt),
        ("DROP TABLE drift\n", SirenReplyEnd.Prompt),
        ("SELECT * FROM drift\n", SirenReplyEnd.Prompt),
        ("DROP TABLE drift\n", SirenReplyEnd.Prompt),
        ("QUIT\n", SirenReplyEnd.Close),
    ];

    [Test]
    public async Task Script_GetsTheSameBytesFromThePeerAsFromTheRealServer()
    {
        string build = await SirenBuild.RequireAsync();
        await using var real = await RealSirenServer.StartAsync();
        string database = Path.Combine(Path.GetTempPath(), $"websocketfy-drift-{Guid.NewGuid():N}.db");
        File.Copy(Path.Combine(build, "template", "database", "SIREN.db"), database);
        try
        {
            await using var peer = new SirenPeerServer(new SirenPeerOptions { DatabasePath = database });
            peer.Start();

            var fromReal = await RunAsync(real.Port);
            var fromPeer = await RunAsync(peer.Port);

            var differences = new List<string>();
            for (int i = 0; i < fromReal.Count; i++)
            {
                if (!fromReal[i].Answer.AsSpan().SequenceEqual(fromPeer[i].Answer))
                {
                    differences.Add($"{Show(fromReal[i].Command)}\n    real: {Show(fromReal[i].Answer)}\n    peer: {Show(fromPeer[i].Answer)}");
                }
            }
            if (differences.Count > 0)
            {
                Assert.Fail($"{differences.Count} of {fromReal.Count} answers differ:\n" + string.Join("\n", differences));
            }
        }
        finally
        {
            File.Delete(database);
        }
    }

    /// <summary>The greeting, then each command's answer, from one connection.</summary>
    private static async Task<List<(byte[] Command, byte[] Answer)>> RunAsync(int port)
    {
        await using var client = await DirectSirenClient.ConnectAsync(port);
        var answers = new List<(byte[], byte[])> { ("(connect)"u8.ToArray(), client.Greeting) };
        foreach (var (command, end) in Script)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(command);
            answers.Add((bytes, await client.ExchangeAsync(bytes, end)));
        }
        return answers;
    }

    private static string Show(byte[] bytes)
    {
        string text = RawSirenClient.Printable(Encoding.Latin1.GetString(bytes));
        return text.Length > 300 ? text[..300] + $"... ({bytes.Length} bytes)" : text;
    }
}
