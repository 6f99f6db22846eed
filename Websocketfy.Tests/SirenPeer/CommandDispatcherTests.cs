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
    public void InsertFollowedByASecondStatement_FailsAtTheSemicolonAndInsertsNothing()
    {
        SirenReply reply = Execute("INSERT INTO images VALUES (6, 'x', 'y'); DROP TABLE images");
        Assert.That(reply.Body, Is.EqualTo("Command failed.\n[12] Extra tokens after the end of statement: ';'.\n"));
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
    public void FailureAfterRowsStarted_PrintsTheRowsBeforeIt()
    {
        // Rows 1 and 2 succeed; row 3 computes abs(-2^63), which SQLite reports as integer overflow.
        // Qt's next() just stops there, and the real server prints the two rows.
        SirenReply reply = Execute("SELECT CASE WHEN id < 3 THEN id ELSE abs(-9223372036854775805 - id) END AS v FROM images");
        Assert.That(reply, Is.EqualTo(SirenReply.ResultSet("v\n1\n2\n")));
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
        Assert.That(Execute("INSERT images VALUES (1)").Body, Is.EqualTo("Command failed.\n[2] INTO expected 'images' found instead.\n"));
    }

    [Test]
    public void InsertIntoExistingTable_IsThePromptAloneAndStoresTheRow()
    {
        Assert.That(Execute("INSERT INTO IMAGES (id, label, path) VALUES (6, 'new', 'x')"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(_db.Scalar("SELECT count(*) FROM images WHERE id = 6"), Is.EqualTo(1));
    }

    [Test]
    public void BrokenInsert_IsSirensSyntaxErrorNamingTheLastToken()
    {
        Assert.That(Execute("INSERT INTO images VALUES (").Body, Is.EqualTo("Command failed.\n[0] Syntax error when processing INSERT INTO near '('.\n"));
    }

    [Test]
    public void InsertThatSqliteRefuses_IsThePromptAloneAndStoresNothing()
    {
        // SiREN's checker passes it (VALUES takes any literals); SQLite refuses 1 value for 3 columns; SiREN says nothing.
        Assert.That(Execute("INSERT INTO images VALUES (6)"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(_db.Scalar("SELECT count(*) FROM images"), Is.EqualTo(5));
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

    // The real server's answers: a check that fails does not move on, so the next check reports the same token.
    [TestCase("DROP TABLE nope", "[3] Table 'nope' does not exists.\n[3] Extra tokens at the end of statement: nope'.", TestName = "DropOfUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("ALTER TABLE nope ADD COLUMN x", "[3] Table 'nope' does not exists.\n[3] Extra tokens at the end of statement: 'nope'.", TestName = "AlterOfUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("DELETE FROM nope", "[3] Table 'nope' does not exists.\n[3] WHERE clause expected. 'nope' found instead.\n[3] Extra tokens at the end of statement: 'nope'.", TestName = "DeleteFromUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("UPDATE nope SET x = 1", "[2] Table 'nope' does not exists.\n[2] SET expected. 'nope' found instead.\n[2] Extra tokens at the end of statement: 'nope'.", TestName = "UpdateOfUnknownTable_SaysTheTableDoesNotExist")]
    [TestCase("DROP TABLE IF EXISTS nope", "[3] Table 'IF' does not exists.\n[3] Extra tokens at the end of statement: IF'.", TestName = "DropTableIfExists_IsNotSirensSyntax")]
    [TestCase("UPDATE images SET label = 'x'", "[0] Syntax error in UPDATE statement near ''x''.", TestName = "UpdateWithoutWhere_IsRefused")]
    [TestCase("UPDATE images SET label = x WHERE id = 1", "[6] Invalid value for column 'x' found instead.\n[6] WHERE expected. 'x' found instead.\n[6] Extra tokens at the end of statement: 'x'.", TestName = "UpdateToAnExpression_IsRefused")]
    [TestCase("DELETE FROM images WHERE nope = 1", "[5] Column 'nope' does not exists in the table 'images'.\n[5] Predicate 'nope' is not valid for DELETE statement.\n[5] Extra tokens at the end of statement: 'nope'.", TestName = "DeleteByUnknownColumn_IsRefused")]
    [TestCase("INSERT INTO images (id, bogus) VALUES (1, 2)", "[7] Column 'bogus' does not exists in the table images.\n[7] Syntax error when processing INSERT INTO near ')'.", TestName = "InsertIntoUnknownColumn_IsRefused")]
    [TestCase("ALTER TABLE images DROP label", "[5] COLUMN expected. 'label' found instead\n[5] Extra tokens at the end of statement: 'label'.", TestName = "AlterDropWithoutColumn_IsRefused")]
    [TestCase("CREATE TABLE c (a NUMERIC)", "[6] Valid data type expected. 'NUMERIC' found instead.\n[6] Constraint expected. 'NUMERIC' found.", TestName = "CreateTableWithAnUnknownType_IsRefused")]
    [TestCase("CREATE t", "[2] TABLE expected. 't' found instead.\n[0] Syntax error when processing CREATE TABLE statement.", TestName = "CreateWithoutTable_IsRefused")]
    [TestCase("DESC", "[0] Syntax error when processing DESC near 'DESC'.", TestName = "DescAlone_IsASyntaxError")]
    [TestCase("DESC nope", "[2] Table 'nope' does not exists.\n[2] Extra tokens at the end of statement: 'nope'.", TestName = "DescOfUnknownTable_SaysTheTableDoesNotExist")]
    public void CheckerErrors_AreTheRealServersLines(string command, string errors)
    {
        Assert.That(Execute(command).Body, Is.EqualTo($"Command failed.\n{errors}\n"));
    }

    [TestCase("_x", TestName = "UnderscoreFirst_IsTheFatalError")]
    [TestCase("ñandú", TestName = "NonAsciiFirst_IsTheFatalError")]
    [TestCase("DROP", TestName = "DropAlone_IsTheFatalError")]
    [TestCase("CREATE", TestName = "CreateAlone_IsTheFatalError")]
    public void CommandSirensLexerCannotClassify_IsTheFatalError(string command)
    {
        Assert.That(Execute(command), Is.EqualTo(SirenReply.Fatal));
    }

    [Test]
    public void DescOfATable_PrintsSqlitesTableInfo()
    {
        Assert.That(Execute("DESC images").Body, Is.EqualTo(
            "cid, dflt_value, name, notnull, pk, type\n0, , id, 0, 1, INTEGER\n1, , path, 0, 0, TEXT\n2, , label, 0, 0, TEXT\n"));
    }

    [Test]
    public void CreateTable_RunsSirensRebuiltStatement()
    {
        Assert.That(Execute("CREATE TABLE c2 (a INT, b TEXT, PRIMARY KEY (a, b), UNIQUE (b))"), Is.EqualTo(SirenReply.PromptOnly));
        Assert.That(Execute("DESC c2").Body, Is.EqualTo("cid, dflt_value, name, notnull, pk, type\n0, , a, 0, 1, INT\n1, , b, 0, 2, TEXT\n"));
    }

    [TestCase("CREATE INDEX i ON images (id)", "CREATE INDEX", TestName = "CreateIndex_IsNotEmulated")]
    [TestCase("DROP METRIC m", "DROP METRIC", TestName = "DropMetric_IsNotEmulated")]
    [TestCase("SELECT * FROM images WHERE path NEAR 'x'", "similarity queries (NEAR, FAR)", TestName = "SimilarityQuery_IsNotEmulated")]
    public void SimilarityExtensions_AreSaidNotToBeEmulated(string command, string what)
    {
        Assert.That(Execute(command).Body, Is.EqualTo($"Command failed.\n[1] siren-demo does not emulate {what}.\n"));
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
