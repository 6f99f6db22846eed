using System.Text;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.Tests.SirenPeer;

public sealed class CommandDispatcherTests
{
    private SeededDatabase _db = null!;

    [SetUp]
    public void OpenDatabase() => _db = new SeededDatabase();

    [TearDown]
    public void CloseDatabase() => _db.Dispose();

    private SirenReply Execute(string command) => _db.Dispatcher.Execute(command);

    private SirenReply Answer(string chunk) => _db.Dispatcher.Answer(Encoding.UTF8.GetBytes(chunk));

    [Test]
    public void UnknownFirstWord_IsADescErrorQuotingTheWordAsSent()
    {
        Assert.That(Execute("Foo BAR"), Is.EqualTo(SirenReply.WithBody("Command failed.\n[1] DESC expected. 'Foo' found instead.\n")));
    }

    [Test]
    public void Keywords_AreCaseInsensitive()
    {
        Assert.That(Execute("select id from images where id = 1").Body, Is.EqualTo("id\n1\n"));
    }

    [Test]
    public void Select_PrintsHeaderAndRows()
    {
        Assert.That(Execute("SELECT id, label FROM images WHERE id <= 2").Body, Is.EqualTo("id, label\n1, normal\n2, nodule\n"));
    }

    [Test]
    public void SelectOfUnknownTable_IsThePromptAlone()
    {
        Assert.That(Execute("SELECT * FROM no_such_table"), Is.EqualTo(SirenReply.PromptOnly));
    }

    [Test]
    public void SelectWithoutRows_IsThePromptAlone()
    {
        Assert.That(Execute("SELECT * FROM images WHERE id = 999"), Is.EqualTo(SirenReply.PromptOnly));
    }

    [Test]
    public void TwoStatementsAtOnce_AreRefusedAndNeitherRuns()
    {
        Assert.That(Execute("SELECT 1; DROP TABLE images"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(_db.Scalar("SELECT count(*) FROM images"), Is.EqualTo(5));
    }

    [Test]
    public void InsertFollowedByASecondStatement_FailsAndInsertsNothing()
    {
        SirenReply reply = Execute("INSERT INTO images VALUES (6, 'x', 'y'); DROP TABLE images");
        Assert.That(reply.Body, Does.StartWith("Command failed.\n[1] Error executing INSERT statement: "));
        Assert.That(_db.Scalar("SELECT count(*) FROM images"), Is.EqualTo(5));
    }

    [Test]
    public void Null_PrintsEmpty()
    {
        Assert.That(Execute("SELECT NULL AS x, 1 AS y").Body, Is.EqualTo("x, y\n, 1\n"));
    }

    [Test]
    public void IntegerDivision_PrintsAnInteger()
    {
        Assert.That(Execute("SELECT 10/3 AS i, 1e3 AS e").Body, Is.EqualTo("e, i\n1000, 3\n"));
    }

    [Test]
    public void DoubleQuotesInColumnNames_AreDroppedLikeQtDoes()
    {
        Assert.That(Execute("SELECT 1 AS \"a\"\"b\"").Body, Is.EqualTo("ab\n1\n"));
    }

    [Test]
    public void TextWithNul_KeepsEverything()
    {
        Assert.That(Execute("SELECT 'a' || char(0) || 'b' AS v").Body, Is.EqualTo("v\na\0b\n"));
    }

    [Test]
    public void Blob_PrintsAsTextUpToItsFirstNul()
    {
        // x'41 42 00 43' = "AB", NUL, "C"
        Assert.That(Execute("SELECT x'41420043' AS v").Body, Is.EqualTo("v\nAB\n"));
    }

    [Test]
    public void FailureAfterRowsStarted_IsTheFatalError()
    {
        // Rows 1 and 2 succeed; row 3 computes abs(-2^63), which SQLite reports as integer overflow.
        SirenReply reply = Execute("SELECT CASE WHEN id < 3 THEN id ELSE abs(-9223372036854775805 - id) END AS v FROM images");
        Assert.That(reply, Is.EqualTo(SirenReply.WithBody("Fatal error executing the query.\n")));
    }

    [Test]
    public void FailureAtTheFirstRow_IsThePromptAlone()
    {
        Assert.That(Execute("SELECT abs(-9223372036854775805 - id) AS v FROM images WHERE id = 3"), Is.EqualTo(SirenReply.PromptOnly));
    }

    [Test]
    public void InsertIntoUnknownTable_IsSirensTwoLineError()
    {
        Assert.That(
            Execute("INSERT INTO no_such_table VALUES (1)").Body,
            Is.EqualTo("Command failed.\n[3] Table 'no_such_table' does not exists.\n[3] VALUES expected 'no_such_table' found instead\n"));
    }

    [Test]
    public void InsertWithoutInto_NamesTheMissingKeyword()
    {
        Assert.That(Execute("INSERT images VALUES (1)").Body, Is.EqualTo("Command failed.\n[2] INTO expected. 'images' found instead.\n"));
    }

    [Test]
    public void InsertIntoExistingTable_IsThePromptAloneAndStoresTheRow()
    {
        Assert.That(Execute("INSERT INTO IMAGES (id, label, path) VALUES (6, 'new', 'x')"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(_db.Scalar("SELECT count(*) FROM images WHERE id = 6"), Is.EqualTo(1));
    }

    [Test]
    public void BrokenInsert_IsACommandFailureWithSqlitesReason()
    {
        Assert.That(Execute("INSERT INTO images VALUES (").Body, Does.StartWith("Command failed.\n[1] Error executing INSERT statement: ").And.EndsWith(".\n"));
    }

    [Test]
    public void CreateTableOfExistingTable_IsSirensTwoLineError()
    {
        Assert.That(
            Execute("CREATE TABLE Images (id INTEGER)").Body,
            Is.EqualTo("Command failed.\n[3] Table 'Images' already exists.\n[3] Syntax error when processing CREATE TABLE statement.\n"));
    }

    [Test]
    public void CreateTable_IsThePromptAlone()
    {
        Assert.That(Execute("CREATE TABLE tx_demo (id INTEGER, name TEXT)"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(_db.Scalar("SELECT count(*) FROM sqlite_master WHERE name = 'tx_demo'"), Is.EqualTo(1));
    }

    [TestCase("DROP TABLE nope", "[3] Table 'nope' does not exists.", TestName = "DropOfUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("ALTER TABLE nope ADD COLUMN x", "[3] Table 'nope' does not exists.", TestName = "AlterOfUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("DELETE FROM nope", "[3] Table 'nope' does not exists.", TestName = "DeleteFromUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("UPDATE nope SET x = 1", "[2] Table 'nope' does not exists.", TestName = "UpdateOfUnknownTable_SaysTheTableDoesNotExist")]
    public void ChangeOfUnknownTable_NamesTheTableAtItsTokenNumber(string command, string error)
    {
        Assert.That(Execute(command).Body, Is.EqualTo($"Command failed.\n{error}\n"));
    }

    [Test]
    public void DropTableIfExistsOfUnknownTable_IsLeftToSqliteAndSucceeds()
    {
        Assert.That(Execute("DROP TABLE IF EXISTS nope"), Is.EqualTo(SirenReply.PromptOnly));
    }

    [Test]
    public void UpdateAndDelete_ChangeTheData()
    {
        Assert.That(Execute("UPDATE images SET label = 'x' WHERE id = 1"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(Execute("DELETE FROM images WHERE id = 2"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(Execute("SELECT label FROM images WHERE id <= 2").Body, Is.EqualTo("label\nx\n"));
    }

    [Test]
    public void ChunkOfCrLf_IsAnsweredWithThePromptAlone()
    {
        Assert.That(Answer("\r\n"), Is.EqualTo(SirenReply.PromptOnly));
    }

    [Test]
    public void QuitChunk_ClosesTheConnection()
    {
        Assert.That(Answer("quit;\n"), Is.EqualTo(SirenReply.Close));
    }

    [Test]
    public void BlankChunk_IsAnsweredWithANewlineAndNoPrompt()
    {
        Assert.That(Answer(" ; \n"), Is.EqualTo(SirenReply.BareNewline));
    }

    [Test]
    public void WhiteSpaceInsideStringLiterals_IsCollapsedToo()
    {
        // SiREN normalises the whole chunk before its parser sees it, literals included.
        Assert.That(Answer("SELECT 'a   b' AS v\n").Body, Is.EqualTo("v\na b\n"));
    }
}
