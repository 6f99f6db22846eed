using System.Text;
using Websocketfy.Protocol.Access;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Access;

/// <summary>The permission each kind of command needs, for each built-in role's permissions.</summary>
public class CommandAccessTests
{
    private const Permissions Viewer = Permissions.Files | Permissions.SqlRead;
    private const Permissions Admin = Permissions.All;
    private const Permissions FilesOnly = Permissions.Files;

    private static AccessVerdict Check(string message, Permissions granted)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(message);
        return CommandAccess.Check(CommandClassifier.Classify(bytes).Kind, bytes, granted);
    }

    public static IEnumerable<TestCaseData> Statements()
    {
        // statement, keyword, needed
        yield return new TestCaseData("SELECT * FROM images", "SELECT", Permissions.SqlRead);
        yield return new TestCaseData("select count(*) from images", "SELECT", Permissions.SqlRead);
        yield return new TestCaseData("SELECT * FROM images WHERE path NEAR 'x' STOP AFTER 2", "SELECT", Permissions.SqlRead);
        yield return new TestCaseData("SELECT 1; DROP TABLE images", "SELECT", Permissions.SqlRead);
        yield return new TestCaseData("DESC images", "DESC", Permissions.SqlRead);
        yield return new TestCaseData("INSERT INTO images VALUES (6, 'a', 'b')", "INSERT", Permissions.SqlWrite);
        yield return new TestCaseData("UPDATE images SET label = 'x'", "UPDATE", Permissions.SqlWrite);
        yield return new TestCaseData("DELETE FROM images", "DELETE", Permissions.SqlWrite);
        yield return new TestCaseData("CREATE TABLE t (id INTEGER)", "CREATE", Permissions.SqlWrite);
        yield return new TestCaseData("CREATE INDEX i ON images (label)", "CREATE", Permissions.SqlWrite);
        yield return new TestCaseData("CREATE METRIC m USING LP1 FOR STILLIMAGE (texture)", "CREATE", Permissions.SqlWrite);
        yield return new TestCaseData("DROP TABLE images", "DROP", Permissions.SqlWrite);
        yield return new TestCaseData("DROP INDEX i", "DROP", Permissions.SqlWrite);
        yield return new TestCaseData("DROP METRIC m", "DROP", Permissions.SqlWrite);
        yield return new TestCaseData("ALTER TABLE images ADD x INTEGER", "ALTER", Permissions.SqlWrite);
        yield return new TestCaseData("FOO BAR", "FOO", Permissions.SqlWrite);
        yield return new TestCaseData("WITH x AS (SELECT 1) SELECT * FROM x", "WITH", Permissions.SqlWrite);
        yield return new TestCaseData("PRAGMA table_info(images)", "PRAGMA", Permissions.SqlWrite);
        yield return new TestCaseData("ATTACH DATABASE 'x' AS y", "ATTACH", Permissions.SqlWrite);
        yield return new TestCaseData("(SELECT 1)", "", Permissions.SqlWrite);
        yield return new TestCaseData("'SELECT' 1", "", Permissions.SqlWrite);
    }

    [TestCaseSource(nameof(Statements))]
    public void EveryStatementKind_NeedsItsPermission(string statement, string keyword, Permissions needed)
    {
        AccessVerdict verdict = Check(statement, Admin);
        Assert.That(verdict, Is.EqualTo(new AccessVerdict(true, needed, keyword)));
    }

    [TestCaseSource(nameof(Statements))]
    public void Viewer_RunsReadsOnly(string statement, string keyword, Permissions needed) =>
        Assert.That(Check(statement, Viewer).Allowed, Is.EqualTo(needed == Permissions.SqlRead));

    [TestCaseSource(nameof(Statements))]
    public void FilesRole_RunsNoSql(string statement, string keyword, Permissions needed) =>
        Assert.That(Check(statement, FilesOnly).Allowed, Is.False);

    [Test]
    public void FileRequest_NeedsFiles()
    {
        Assert.That(Check("REQUEST a.dcm", FilesOnly), Is.EqualTo(new AccessVerdict(true, Permissions.Files, null)));
        Assert.That(Check("REQUEST a.dcm", Permissions.SqlRead | Permissions.SqlWrite).Allowed, Is.False);
    }

    [TestCase("QUIT")]
    [TestCase("quit;")]
    [TestCase("   ")]
    [TestCase(";")]
    public void QuitAndBlank_NeedNothing(string message) =>
        Assert.That(Check(message, Permissions.None), Is.EqualTo(new AccessVerdict(true, Permissions.None, null)));

    [Test]
    public void SqlRefusal_IsSirenStyleText() =>
        Assert.That(Encoding.UTF8.GetString(AccessReplies.SqlDenied("INSERT", Permissions.SqlWrite)),
            Is.EqualTo("Command failed.\nPermission denied: INSERT needs the sql-write permission.\n"));

    [Test]
    public void SqlRefusal_OfAReadForTheFilesRole_NamesSqlRead() =>
        Assert.That(Encoding.UTF8.GetString(AccessReplies.SqlDenied("SELECT", Permissions.SqlRead)),
            Is.EqualTo("Command failed.\nPermission denied: SELECT needs the sql-read permission.\n"));

    [Test]
    public void SqlRefusal_WithoutKeyword_SaysThisCommand() =>
        Assert.That(Encoding.UTF8.GetString(AccessReplies.SqlDenied("", Permissions.SqlWrite)),
            Is.EqualTo("Command failed.\nPermission denied: this command needs the sql-write permission.\n"));

    [Test]
    public void FileRefusal_IsPermissionDenied() =>
        Assert.That(Encoding.UTF8.GetString(AccessReplies.FileDenied), Is.EqualTo("Permission denied."));

    [TestCase("files", Permissions.Files)]
    [TestCase("sql-read", Permissions.SqlRead)]
    [TestCase("sql-write", Permissions.SqlWrite)]
    public void PermissionNames_RoundTrip(string name, Permissions permission)
    {
        Assert.That(PermissionNames.TryParse(name, out Permissions parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(permission));
        Assert.That(PermissionNames.NameOf(permission), Is.EqualTo(name));
    }

    [Test]
    public void PermissionNames_FormatInListOrder() =>
        Assert.That(PermissionNames.Format(Permissions.SqlWrite | Permissions.Files), Is.EqualTo("files,sql-write"));

    [TestCase("FILES")]
    [TestCase("sql")]
    [TestCase("")]
    public void UnknownPermissionName_IsRefused(string name) => Assert.That(PermissionNames.TryParse(name, out _), Is.False);
}
