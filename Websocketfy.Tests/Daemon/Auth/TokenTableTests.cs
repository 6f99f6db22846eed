using System.Security.Cryptography;
using Websocketfy.Daemon.Auth;

namespace Websocketfy.Tests.Daemon.Auth;

public class TokenTableTests
{
    private static readonly string AliceToken = TokenCommand.NewToken("alice", "viewer").Token;
    private static readonly string BobToken = TokenCommand.NewToken("bob", "admin").Token;

    private static string File(params string[] lines) => string.Join("\n", lines) + "\n";

    private static TokenTable Parse(string text) =>
        TokenTable.Parse(text, "tokens", role => role is "viewer" or "admin" or "files");

    [Test]
    public void Lines_MapTokensToNamesAndRoles()
    {
        var table = Parse(File("# who may connect", "", $"alice viewer {TokenCommand.Digest(AliceToken)}",
                               $"  bob\tadmin   {TokenCommand.Digest(BobToken).ToUpperInvariant()}  "));
        Assert.That(table.Count, Is.EqualTo(2));
        Assert.That(table.Find(AliceToken), Is.EqualTo(new TokenEntry("alice", "viewer", Convert.FromHexString(TokenCommand.Digest(AliceToken))))
            .Using<TokenEntry>((a, b) => a.Name == b.Name && a.Role == b.Role && a.Digest.SequenceEqual(b.Digest)));
        Assert.That(table.Find(BobToken)!.Name, Is.EqualTo("bob"));
        Assert.That(table.Find("not-a-token"), Is.Null);
        Assert.That(table.Find(TokenCommand.Digest(AliceToken)), Is.Null, "the hash itself is not a token");
    }

    [TestCase("alice viewer", "tokens:1: expected 'NAME ROLE SHA256-HEX', found 2 field(s)")]
    [TestCase("alice viewer abc extra", "tokens:1: expected 'NAME ROLE SHA256-HEX', found 4 field(s)")]
    [TestCase("alice viewer abcd", "tokens:1: the third field must be the token's SHA-256 as 64 hex digits")]
    [TestCase("alice nobody 0000000000000000000000000000000000000000000000000000000000000000", "tokens:1: unknown role 'nobody'")]
    [TestCase("al\"ice viewer 0000000000000000000000000000000000000000000000000000000000000000", "tokens:1: 'al\"ice' is not a name")]
    public void BadLine_IsRefusedWithFileAndLine(string line, string message) =>
        Assert.That(() => Parse(line), Throws.TypeOf<FormatException>().With.Message.StartsWith(message));

    [Test]
    public void TheSameHashTwice_IsRefused()
    {
        string digest = TokenCommand.Digest(AliceToken);
        Assert.That(() => Parse(File($"alice viewer {digest}", "# again", $"bob admin {digest}")),
            Throws.TypeOf<FormatException>().With.Message.EqualTo("tokens:3: the same token hash as line 1"));
    }

    [TestCase(0)]
    [TestCase(7)]
    [TestCase(-1)]
    public void Lookup_FindsTheEntry_WhereverItIs(int matchAt)
    {
        var tokens = Enumerable.Range(0, 8).Select(i => TokenCommand.NewToken($"user{i}", "viewer").Token).ToList();
        var table = Parse(File([.. tokens.Select((t, i) => $"user{i} viewer {TokenCommand.Digest(t)}")]));
        TokenEntry? found = table.Find(matchAt < 0 ? "unknown" : tokens[matchAt]);
        Assert.That(found?.Name, Is.EqualTo(matchAt < 0 ? null : $"user{matchAt}"));
    }

    [Test]
    public void NewToken_Is256RandomBitsInBase64Url_AndItsLineMatches()
    {
        var (token, line) = TokenCommand.NewToken("alice", "viewer");
        Assert.That(token, Does.Match("^[A-Za-z0-9_-]{43}$"));
        Assert.That(line, Is.EqualTo($"alice viewer {Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))}"));
        Assert.That(Parse(line).Find(token)!.Name, Is.EqualTo("alice"));
        Assert.That(TokenCommand.NewToken("alice", "viewer").Token, Is.Not.EqualTo(token));
    }
}
