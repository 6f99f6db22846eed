using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

public class RequestHeadTests
{
    private static RequestHead WithHeaders(params (string Name, string Value)[] headers) =>
        new("GET", "/", 1, 1, headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList());

    [Test]
    public void GetHeader_MatchesTheNameCaseInsensitively()
    {
        RequestHead head = WithHeaders(("sec-websocket-key", "abc"));

        Assert.That(head.GetHeader("Sec-WebSocket-Key"), Is.EqualTo("abc"));
    }

    [Test]
    public void GetHeader_OfAnAbsentHeader_IsNull()
    {
        RequestHead head = WithHeaders(("Host", "x"));

        Assert.That(head.GetHeader("Origin"), Is.Null);
    }

    [Test]
    public void GetHeader_OfAPresentEmptyHeader_IsEmptyNotNull()
    {
        RequestHead head = WithHeaders(("Origin", ""));

        Assert.That(head.GetHeader("Origin"), Is.EqualTo(""));
    }

    [Test]
    public void GetHeader_JoinsRepeatedFieldLinesInArrivalOrderWithCommaSpace()
    {
        RequestHead head = WithHeaders(("X-A", "1"), ("Host", "x"), ("x-a", "2, 3"), ("X-A", "4"));

        Assert.That(head.GetHeader("X-A"), Is.EqualTo("1, 2, 3, 4"));
    }

    [Test]
    public void HeaderCount_CountsFieldLinesNotListElements()
    {
        RequestHead head = WithHeaders(("Host", "a"), ("host", "b, c"));

        Assert.That(head.HeaderCount("HOST"), Is.EqualTo(2));
        Assert.That(head.HeaderCount("Origin"), Is.Zero);
    }

    [TestCase("Upgrade")]
    [TestCase("upgrade")]
    [TestCase("keep-alive, Upgrade")]
    [TestCase("keep-alive,Upgrade")]
    [TestCase("Upgrade ,keep-alive")]
    [TestCase(" \tUPGRADE\t ")]
    [TestCase(", , Upgrade,")]
    public void HeaderHasToken_FindsTheTokenInACommaSeparatedList(string value)
    {
        RequestHead head = WithHeaders(("Connection", value));

        Assert.That(head.HeaderHasToken("connection", "Upgrade"), Is.True);
    }

    [TestCase("Upgrades")]
    [TestCase("NoUpgrade")]
    [TestCase("keep-alive Upgrade")]
    [TestCase("keep-alive;Upgrade")]
    [TestCase("")]
    public void HeaderHasToken_DoesNotMatchPartsOfOtherElements(string value)
    {
        RequestHead head = WithHeaders(("Connection", value));

        Assert.That(head.HeaderHasToken("Connection", "Upgrade"), Is.False);
    }

    [Test]
    public void HeaderHasToken_LooksAtEveryFieldLineOfThatName()
    {
        RequestHead head = WithHeaders(("Connection", "keep-alive"), ("Upgrade", "Upgrade"), ("Connection", "Upgrade"));

        Assert.That(head.HeaderHasToken("Connection", "upgrade"), Is.True);
    }

    [Test]
    public void HeaderHasToken_OfAnAbsentHeader_IsFalse()
    {
        RequestHead head = WithHeaders(("Upgrade", "websocket"));

        Assert.That(head.HeaderHasToken("Connection", "websocket"), Is.False);
    }
}
