using System.Text;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Commands;

/// <summary>The first keyword as SiREN's normalisation and lexer read it.</summary>
public class SqlKeywordTests
{
    private static string Read(string command) => SqlKeyword.Read(Encoding.UTF8.GetBytes(command));

    [TestCase("SELECT * FROM images", "SELECT")]
    [TestCase("select id from images", "SELECT")]
    [TestCase("SeLeCt 1", "SELECT")]
    [TestCase("SELECT*FROM images", "SELECT")]          // the lexer ends an identifier at '*'
    [TestCase("SELECT(1)", "SELECT")]
    [TestCase("SELECT;", "SELECT")]
    [TestCase("  \t\r\n SELECT 1", "SELECT")]
    [TestCase("\u00a0\u2003SELECT 1", "SELECT")]         // Qt white space (NBSP, EM SPACE)
    [TestCase("\u0085SELECT 1", "SELECT")]
    [TestCase("DESC images", "DESC")]
    [TestCase("desc images", "DESC")]
    [TestCase("INSERT INTO images VALUES (6, 'a', 'b')", "INSERT")]
    [TestCase("UPDATE images SET label = 'x'", "UPDATE")]
    [TestCase("DELETE FROM images", "DELETE")]
    [TestCase("CREATE TABLE t (id INTEGER)", "CREATE")]
    [TestCase("CREATE METRIC m USING LP1 FOR STILLIMAGE (texture)", "CREATE")]
    [TestCase("CREATE INDEX i ON images (label)", "CREATE")]
    [TestCase("DROP TABLE images", "DROP")]
    [TestCase("DROP METRIC m", "DROP")]
    [TestCase("DROP INDEX i", "DROP")]
    [TestCase("ALTER TABLE images ADD x INTEGER", "ALTER")]
    [TestCase("FOO BAR", "FOO")]
    [TestCase("SELECTX 1", "SELECTX")]
    [TestCase("SELECT_1 x", "SELECT_1")]
    [TestCase("SELECT$ 1", "SELECT$")]
    [TestCase("$SELECT 1", "$SELECT")]
    [TestCase("SELECTé 1", "SELECT")]                   // é ends SiREN's identifier
    public void FirstIdentifier_InUpperCase(string command, string keyword) => Assert.That(Read(command), Is.EqualTo(keyword));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("'SELECT' 1")]                             // a string token: its lexeme keeps the quotes
    [TestCase("\"SELECT\" 1")]
    [TestCase("(SELECT 1)")]
    [TestCase("_SELECT 1")]                              // '_' cannot start an identifier
    [TestCase("1; DROP TABLE images")]
    [TestCase("-- SELECT\nDROP TABLE images")]
    [TestCase("/* */ SELECT 1")]
    [TestCase("\u200bSELECT 1")]                         // ZERO WIDTH SPACE is not Qt white space
    [TestCase("\0SELECT 1")]
    public void NoLeadingIdentifier_IsNoKeyword(string command) => Assert.That(Read(command), Is.Empty);

    [Test]
    public void InvalidUtf8First_IsNoKeyword() => Assert.That(SqlKeyword.Read([0xFF, (byte)'S', (byte)'E']), Is.Empty);

    [Test]
    public void LongIdentifier_IsCutWithAnEllipsis()
    {
        string keyword = Read(new string('A', 5000) + " x");
        Assert.That(keyword, Is.EqualTo(new string('A', SqlKeyword.MaxLength) + "..."));
    }

    [TestCase("SELECT", true)]
    [TestCase("DESC", true)]
    [TestCase("INSERT", false)]
    [TestCase("DESCRIBE", false)]
    [TestCase("SELECTX", false)]
    [TestCase("", false)]
    [TestCase("select", false)] // Read always upper-cases; IsRead compares what Read gives
    public void OnlySelectAndDesc_AreReads(string keyword, bool read) => Assert.That(SqlKeyword.IsRead(keyword), Is.EqualTo(read));

    [TestCase("select id from images")]
    [TestCase("DELETE FROM images")]
    [TestCase("alter table images add column x")]
    public void SirensOwnKeywords_AreReadWithoutAllocating(string command)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(command);
        SqlKeyword.Read(bytes); // warm: the first call may initialise statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        string keyword = SqlKeyword.Read(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That((keyword, allocated), Is.EqualTo((command.Split(' ')[0].ToUpperInvariant(), 0L)));
    }

    [Test]
    public void OtherIdentifiers_AreStillRead() => Assert.That(Read("vacuum images"), Is.EqualTo("VACUUM"));
}
