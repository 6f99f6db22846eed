using System.Text;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Commands;

public class CommandClassifierTests
{
    private static Command Classify(string text) => CommandClassifier.Classify(Encoding.UTF8.GetBytes(text));

    [TestCase("", TestName = "EmptyMessage_IsBlank")]
    [TestCase("  ", TestName = "Spaces_AreBlank")]
    [TestCase("\n", TestName = "LoneLineFeed_IsBlank")]
    [TestCase("\r\n", TestName = "LoneCrLf_IsBlank")]
    [TestCase(";", TestName = "LoneSemicolon_IsBlank")]
    [TestCase(" ; \n", TestName = "SemicolonAmidSpaces_IsBlank")]
    [TestCase("\u00A0;\u0085\u2028", TestName = "SemicolonAmidUnicodeSpaces_IsBlank")]
    [TestCase("\t\v\f", TestName = "TabsAndFeeds_AreBlank")]
    public void WhiteSpaceWithAtMostOneSemicolon_IsBlank(string text) =>
        Assert.That(Classify(text).Kind, Is.EqualTo(CommandKind.Blank));

    [TestCase("QUIT", TestName = "Quit_IsQuit")]
    [TestCase("quit", TestName = "LowerCaseQuit_IsQuit")]
    [TestCase("Quit\n", TestName = "QuitWithLineFeed_IsQuit")]
    [TestCase("\u00A0 QUIT", TestName = "QuitAfterUnicodeSpace_IsQuit")]
    [TestCase("QUIT now please", TestName = "QuitWithTrailingWords_IsQuit_FirstTokenDecides")]
    [TestCase("QUIT ;", TestName = "QuitSpaceSemicolon_IsQuit_FirstTokenDecides")]
    [TestCase("quit;", TestName = "QuitSemicolon_IsQuit_AsSirenWouldReadIt")]
    [TestCase(" QUIT; \r\n", TestName = "QuitSemicolonAmidSpaces_IsQuit_AsSirenWouldReadIt")]
    [TestCase("Quit;\u2028", TestName = "QuitSemicolonThenLineSeparator_IsQuit_AsSirenWouldReadIt")]
    public void QuitCommands_AreQuit(string text) =>
        Assert.That(Classify(text).Kind, Is.EqualTo(CommandKind.Quit));

    [TestCase("SELECT * FROM images\n", TestName = "Select_IsSql")]
    [TestCase(";;", TestName = "TwoSemicolons_AreSql")]
    [TestCase("; ;", TestName = "TwoSeparateSemicolons_AreSql")]
    [TestCase("; SELECT 1", TestName = "SemicolonThenCommand_IsSql")]
    [TestCase("quit;;", TestName = "QuitTwoSemicolons_IsSql")]
    [TestCase("quit; SELECT 1", TestName = "QuitSemicolonThenMoreWords_IsSql")]
    [TestCase(";quit", TestName = "SemicolonQuit_IsSql")]
    [TestCase("QUITS", TestName = "LongerTokenStartingWithQuit_IsSql")]
    [TestCase("REQUESTED a", TestName = "LongerTokenStartingWithRequest_IsSql")]
    [TestCase("REQUES", TestName = "ShorterTokenThanRequest_IsSql")]
    [TestCase("\u200BQUIT", TestName = "QuitAfterZeroWidthSpace_IsSql_ZeroWidthSpaceIsNotWhiteSpace")]
    [TestCase("qu\u0131t", TestName = "QuitWithDotlessI_IsSql_ComparisonIsOrdinal")]
    [TestCase("\u00C9", TestName = "NonAsciiToken_IsSql")]
    public void OtherMessages_AreSql(string text) =>
        Assert.That(Classify(text).Kind, Is.EqualTo(CommandKind.Sql));

    [TestCase("REQUEST study1/img001.dcm", "study1/img001.dcm", TestName = "Request_PathIsTheRest")]
    [TestCase("request study1/img001.dcm", "study1/img001.dcm", TestName = "LowerCaseRequest_IsRequest")]
    [TestCase("  ReQuEsT   my file.dcm \r\n", "my file.dcm", TestName = "RequestPath_IsTrimmedButKeepsInnerSpaces")]
    [TestCase("REQUEST\u00A0a\u00A0b\u2028", "a\u00A0b", TestName = "RequestPath_IsTrimmedOfUnicodeSpaces")]
    [TestCase("REQUEST\ta\tb\n", "a\tb", TestName = "RequestPath_KeepsInnerTabsForTheCheckToRefuse")]
    [TestCase("REQUEST", "", TestName = "RequestAlone_HasEmptyPath")]
    [TestCase("REQUEST  \n", "", TestName = "RequestWithOnlySpaces_HasEmptyPath")]
    [TestCase("REQUEST caf\u00E9/\U0001F600.dcm", "caf\u00E9/\U0001F600.dcm", TestName = "RequestPath_KeepsNonAsciiText")]
    public void RequestCommands_CarryTheTrimmedPath(string text, string path) =>
        Assert.That(Classify(text), Is.EqualTo(new Command(CommandKind.FileRequest, path)));

    [Test]
    public void RequestWithInvalidUtf8_HasNullPath()
    {
        // "REQUEST a" then 0xFF (never valid in UTF-8)
        byte[] message = [.. "REQUEST a"u8, 0xFF];

        Assert.That(CommandClassifier.Classify(message), Is.EqualTo(new Command(CommandKind.FileRequest, null)));
    }

    [Test]
    public void RequestWithTruncatedSequenceAtEnd_HasNullPath()
    {
        // "REQUEST a" then 0xC3 (a two-byte lead with no continuation byte)
        byte[] message = [.. "REQUEST a"u8, 0xC3];

        Assert.That(CommandClassifier.Classify(message).Path, Is.Null);
    }

    [Test]
    public void BinarySqlWithInvalidBytes_IsSql()
    {
        // "SELECT " then 0xC0 0xAF (overlong '/') and 0xFF
        byte[] message = [.. "SELECT "u8, 0xC0, 0xAF, 0xFF];

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Sql));
    }

    [Test]
    public void LoneInvalidByte_IsSqlNotBlank()
    {
        // 0xFF decodes as U+FFFD, which is not white space
        Assert.That(CommandClassifier.Classify([0xFF]).Kind, Is.EqualTo(CommandKind.Sql));
    }

    [Test]
    public void InvalidByteBeforeQuit_IsSql()
    {
        // 0xFF then "QUIT": the first token is U+FFFD "QUIT"
        byte[] message = [0xFF, .. "QUIT"u8];

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Sql));
    }

    [Test]
    public void InvalidByteAfterQuitToken_IsStillQuit()
    {
        // "QUIT " then 0xFF: the first token is valid and decides
        byte[] message = [.. "QUIT "u8, 0xFF];

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Quit));
    }

    [Test]
    public void InvalidByteGluedToQuit_IsSql()
    {
        // "QUIT" then 0xFF with no space: the token is "QUIT" U+FFFD
        byte[] message = [.. "QUIT"u8, 0xFF];

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Sql));
    }

    [Test]
    public void MegabyteOfSpaces_IsBlank()
    {
        byte[] message = new byte[1 << 20];
        message.AsSpan().Fill((byte)' ');

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Blank));
    }

    [Test]
    public void MegabyteOfSpacesEndingInSql_IsSql()
    {
        byte[] message = new byte[1 << 20];
        message.AsSpan().Fill((byte)' ');
        "SELECT 1"u8.CopyTo(message.AsSpan(message.Length - 8));

        Assert.That(CommandClassifier.Classify(message).Kind, Is.EqualTo(CommandKind.Sql));
    }

    [Test]
    public void LargeSqlMessage_IsClassifiedWithoutAllocating()
    {
        byte[] message = new byte[1 << 20];
        message.AsSpan().Fill((byte)'x');
        "SELECT "u8.CopyTo(message);
        CommandClassifier.Classify(message);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Command command = CommandClassifier.Classify(message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That((command.Kind, allocated), Is.EqualTo((CommandKind.Sql, 0L)));
    }

    // The classifier must agree with the definitions it shortcuts: the first token (split on SiREN's
    // white space) decides REQUEST and QUIT, and otherwise SiREN's normalisation decides blank and QUIT.
    [Test]
    public void RandomMessages_AgreeWithTheNormalisationReference()
    {
        string[] pieces =
        [
            " ", "\t", "\n", "\r\n", "\u00A0", "\u0085", "\u2028", "\u3000", "\u200B", ";", ";",
            "QUIT", "quit", "Quit;", "REQUEST", "request", "a", "\u00E9", "x y", "SELECT",
        ];
        var random = new Random(20240611);
        for (int i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 6);
            for (int p = 0; p < count; p++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            string message = text.ToString();
            Command expected = Reference(message);
            Command actual = Classify(message);
            if (actual != expected)
            {
                Assert.Fail($"Message {Escape(message)}: expected {expected}, got {actual}");
            }
        }
    }

    private static readonly char[] Spaces =
        Enumerable.Range(0, char.MaxValue + 1).Select(i => (char)i).Where(SirenWhiteSpace.IsWhiteSpace).ToArray();

    private static Command Reference(string message)
    {
        char[] spaces = Spaces;
        string start = message.TrimStart(spaces);
        int tokenLength = start.IndexOfAny(spaces);
        string token = tokenLength < 0 ? start : start[..tokenLength];
        if (string.Equals(token, "REQUEST", StringComparison.OrdinalIgnoreCase))
        {
            return new Command(CommandKind.FileRequest, start[token.Length..].Trim(spaces));
        }

        if (string.Equals(token, "QUIT", StringComparison.OrdinalIgnoreCase))
        {
            return new Command(CommandKind.Quit, null);
        }

        string normalised = SirenWhiteSpace.Normalise(message);
        if (normalised.Length == 0)
        {
            return new Command(CommandKind.Blank, null);
        }

        return string.Equals(normalised, "QUIT", StringComparison.OrdinalIgnoreCase)
            ? new Command(CommandKind.Quit, null)
            : new Command(CommandKind.Sql, null);
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));
}
