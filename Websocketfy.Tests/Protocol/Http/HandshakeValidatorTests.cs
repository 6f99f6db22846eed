using System.Text;
using Websocketfy.Protocol.Http;
using static Websocketfy.Tests.Protocol.Http.SampleRequests;

namespace Websocketfy.Tests.Protocol.Http;

public class HandshakeValidatorTests
{
    private static readonly HandshakePolicy AnyOrigin = new();

    private static HandshakeDecision Decide(string request, HandshakePolicy? policy = null) =>
        HandshakeValidator.Decide(Parse(request), policy ?? AnyOrigin);

    /// <summary>The minimal valid upgrade with one of its lines replaced (or removed, with "").</summary>
    private static string MinimalWith(string line, string replacement)
    {
        Assert.That(Minimal, Does.Contain(line), "test setup: line to replace");
        return Minimal.Replace(line, replacement, StringComparison.Ordinal);
    }

    /// <summary>The minimal valid upgrade with extra field lines before the blank line.</summary>
    private static string MinimalPlus(string lines) => Minimal[..^2] + lines + "\r\n";

    private static string ErrorAnswer(HandshakeDecision decision) =>
        Encoding.UTF8.GetString(HttpResponses.Error(decision.StatusCode, decision.Reason));

    private static void AssertRejected(HandshakeDecision decision, int statusCode, string reason)
    {
        Assert.That(decision, Is.EqualTo(new HandshakeDecision(HandshakeOutcome.Reject, statusCode, reason, null, null)));
    }

    // ---- Accept key (RFC 6455 section 1.3) ----

    [Test]
    public void AcceptKey_OfTheRfcExampleKey_IsTheRfcExampleAnswer()
    {
        Assert.That(HandshakeValidator.ComputeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
                    Is.EqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    // ---- Real clients ----

    [Test]
    public void ChromiumRequest_IsUpgraded_AndItsExtensionOfferIsNotEchoed()
    {
        HandshakeDecision decision = Decide(Chromium);

        Assert.That(decision, Is.EqualTo(new HandshakeDecision(
            HandshakeOutcome.Upgrade, 101, "", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", null)));
        Assert.That(Encoding.ASCII.GetString(HttpResponses.SwitchingProtocols(decision.AcceptKey!, decision.Subprotocol)),
                    Is.EqualTo("HTTP/1.1 101 Switching Protocols\r\n" +
                               "Upgrade: websocket\r\n" +
                               "Connection: Upgrade\r\n" +
                               "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
                               "\r\n"));
    }

    [Test]
    public void DotNetClientWebSocketRequest_IsUpgraded_WithItsFirstSupportedSubprotocol()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["superchat", "chat"] };

        HandshakeDecision decision = Decide(DotNetClientWebSocket, policy);

        Assert.That(decision, Is.EqualTo(new HandshakeDecision(
            HandshakeOutcome.Upgrade, 101, "", HandshakeValidator.ComputeAcceptKey("lAXxZNFHT06w9D8XqRcczg=="), "chat")));
    }

    [Test]
    public void FirefoxStyleConnectionKeepAliveUpgrade_IsUpgraded()
    {
        HandshakeDecision decision = Decide(MinimalWith("Connection: Upgrade\r\n", "Connection: keep-alive, Upgrade\r\n"));

        Assert.That(decision.Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
    }

    [Test]
    public void UpgradeAndConnectionTokens_AreCaseInsensitive()
    {
        string request = MinimalWith("Upgrade: websocket\r\nConnection: Upgrade\r\n", "Upgrade: WebSocket\r\nConnection: upgrade\r\n");

        Assert.That(Decide(request).Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
    }

    [Test]
    public void LaterHttpMinorVersion_IsUpgraded()
    {
        Assert.That(Decide(MinimalWith("GET / HTTP/1.1", "GET / HTTP/1.2")).Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
    }

    [Test]
    public void ContentLengthZero_IsNotABody()
    {
        Assert.That(Decide(MinimalPlus("Content-Length: 0\r\n")).Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
    }

    // ---- Plain HTTP ----

    [TestCase("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", TestName = "GetWithoutUpgrade_IsPlainHttp")]
    [TestCase("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n", TestName = "PostWithoutUpgrade_IsPlainHttp")]
    [TestCase("GET /healthz HTTP/1.0\r\n\r\n", TestName = "Http10WithoutUpgrade_IsPlainHttp")]
    [TestCase("GET / HTTP/1.1\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
              TestName = "WebSocketHeadersWithoutUpgrade_IsPlainHttp")]
    public void RequestWithoutUpgradeHeader_IsPlainHttp(string request)
    {
        Assert.That(Decide(request), Is.EqualTo(new HandshakeDecision(HandshakeOutcome.PlainHttp, 0, "", null, null)));
    }

    // ---- 405 ----

    [Test]
    public void PostWithUpgrade_IsAnswered405WithAllowGet()
    {
        HandshakeDecision decision = Decide(MinimalWith("GET / HTTP/1.1", "POST / HTTP/1.1"));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 405 Method Not Allowed\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 53\r\n" +
            "Connection: close\r\n" +
            "Allow: GET\r\n" +
            "\r\n" +
            "Method not allowed: a WebSocket upgrade must use GET\n"));
    }

    [Test]
    public void LowercaseGetWithUpgrade_Is405BecauseMethodsAreCaseSensitive()
    {
        AssertRejected(Decide(MinimalWith("GET / HTTP/1.1", "get / HTTP/1.1")),
                       405, "Method not allowed: a WebSocket upgrade must use GET");
    }

    // ---- Version of HTTP ----

    [Test]
    public void Http10Upgrade_IsAnswered400()
    {
        HandshakeDecision decision = Decide(MinimalWith("GET / HTTP/1.1", "GET / HTTP/1.0"));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 27\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "HTTP/1.1 or later required\n"));
    }

    [Test]
    public void Http09SpelledAsVersion_IsAnswered400()
    {
        AssertRejected(Decide(MinimalWith("GET / HTTP/1.1", "GET / HTTP/0.9")), 400, "HTTP/1.1 or later required");
    }

    [Test]
    public void Http2VersionInAnHttp1RequestLine_IsAnswered505()
    {
        HandshakeDecision decision = Decide(MinimalWith("GET / HTTP/1.1", "GET / HTTP/2.0"));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 505 HTTP Version Not Supported\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 27\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "HTTP version not supported\n"));
    }

    // ---- 400: malformed upgrades ----

    [Test]
    public void UpgradeToAnotherProtocol_IsAnswered400()
    {
        HandshakeDecision decision = Decide(MinimalWith("Upgrade: websocket\r\n", "Upgrade: h2c\r\n"));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 47\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Unsupported upgrade: only websocket is offered\n"));
    }

    [TestCase("Upgrade: \r\n")]
    [TestCase("Upgrade: websocket/13\r\n")]
    [TestCase("Upgrade: websockets\r\n")]
    public void UpgradeWithoutTheWebsocketToken_Is400(string line)
    {
        AssertRejected(Decide(MinimalWith("Upgrade: websocket\r\n", line)), 400, "Unsupported upgrade: only websocket is offered");
    }

    [Test]
    public void UpgradeListNamingWebsocketAmongOthers_IsUpgraded()
    {
        Assert.That(Decide(MinimalWith("Upgrade: websocket\r\n", "Upgrade: h2c, websocket\r\n")).Outcome,
                    Is.EqualTo(HandshakeOutcome.Upgrade));
    }

    [TestCase("", TestName = "MissingConnectionHeader_Is400")]
    [TestCase("Connection: keep-alive\r\n", TestName = "ConnectionWithoutUpgradeToken_Is400")]
    [TestCase("Connection: Upgrade-Insecure\r\n", TestName = "ConnectionWithALongerToken_Is400")]
    public void ConnectionWithoutUpgrade_Is400(string line)
    {
        HandshakeDecision decision = Decide(MinimalWith("Connection: Upgrade\r\n", line));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 39\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Connection header must contain Upgrade\n"));
    }

    [TestCase("", TestName = "MissingHost_Is400")]
    [TestCase("Host: a.test\r\nHost: b.test\r\n", TestName = "DuplicateHost_Is400")]
    [TestCase("Host:\r\n", TestName = "EmptyHost_Is400")]
    public void BadHost_Is400(string line)
    {
        HandshakeDecision decision = Decide(MinimalWith("Host: example.test\r\n", line));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 33\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Missing or duplicate Host header\n"));
    }

    [TestCase("", TestName = "MissingKey_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
              TestName = "DuplicateKey_Is400")]
    [TestCase("Sec-WebSocket-Key:\r\n", TestName = "EmptyKey_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ\r\n", TestName = "KeyWithoutPadding_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j\r\n", TestName = "KeyOf15Bytes_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==AAAA\r\n", TestName = "KeyOf19Bytes_Is400")]
    [TestCase("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAA\r\n", TestName = "KeyOf24CharsDecodingTo18Bytes_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=A\r\n", TestName = "KeyWithMisplacedPadding_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j*Q==\r\n", TestName = "KeyWithANonBase64Character_Is400")]
    [TestCase("Sec-WebSocket-Key: dGhlIHNhbXBs ZSBub25jZQ==\r\n", TestName = "KeyWithInnerWhiteSpace_Is400")]
    public void BadKey_Is400(string line)
    {
        HandshakeDecision decision = Decide(MinimalWith("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", line));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 400 Bad Request\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 37\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Missing or invalid Sec-WebSocket-Key\n"));
    }

    [Test]
    public void KeyOfAnother16Bytes_IsAccepted_SoTheRfcExampleIsNotSpecial()
    {
        // 16 bytes 00 01 02 ... 0F in base64.
        HandshakeDecision decision = Decide(MinimalWith("dGhlIHNhbXBsZSBub25jZQ==", "AAECAwQFBgcICQoLDA0ODw=="));

        Assert.That(decision.AcceptKey, Is.EqualTo(HandshakeValidator.ComputeAcceptKey("AAECAwQFBgcICQoLDA0ODw==")));
    }

    [TestCase("Content-Length: 5\r\n", TestName = "UpgradeWithAContentLengthBody_Is400")]
    [TestCase("Transfer-Encoding: chunked\r\n", TestName = "UpgradeWithAChunkedBody_Is400")]
    public void UpgradeWithABody_Is400(string line)
    {
        AssertRejected(Decide(MinimalPlus(line)), 400, "Request body not allowed on a WebSocket upgrade");
    }

    [Test]
    public void DuplicateOrigin_Is400()
    {
        AssertRejected(Decide(MinimalPlus("Origin: https://a.test\r\nOrigin: https://b.test\r\n")), 400, "Duplicate Origin header");
    }

    // ---- 426 ----

    [TestCase("", TestName = "MissingWebSocketVersion_Is426")]
    [TestCase("Sec-WebSocket-Version: 8\r\n", TestName = "WebSocketVersion8_Is426")]
    [TestCase("Sec-WebSocket-Version: 13, 8\r\n", TestName = "WebSocketVersionList_Is426")]
    [TestCase("Sec-WebSocket-Version: 013\r\n", TestName = "WebSocketVersionWithLeadingZero_Is426")]
    public void WrongWebSocketVersion_Is426NamingVersion13(string line)
    {
        HandshakeDecision decision = Decide(MinimalWith("Sec-WebSocket-Version: 13\r\n", line));

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 426 Upgrade Required\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 47\r\n" +
            "Connection: close\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n" +
            "Unsupported Sec-WebSocket-Version: 13 required\n"));
    }

    // ---- 403 ----

    [Test]
    public void OriginRefusedByPolicy_Is403()
    {
        var policy = new HandshakePolicy { IsOriginAllowed = origin => origin == "https://viewer.test" };

        HandshakeDecision decision = Decide(Chromium, policy);

        Assert.That(ErrorAnswer(decision), Is.EqualTo(
            "HTTP/1.1 403 Forbidden\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 19\r\n" +
            "Connection: close\r\n" +
            "\r\n" +
            "Origin not allowed\n"));
    }

    [Test]
    public void OriginAcceptedByPolicy_IsUpgraded_AndThePolicySawTheOriginValue()
    {
        var seen = new List<string?>();
        var policy = new HandshakePolicy { IsOriginAllowed = origin => { seen.Add(origin); return true; } };

        HandshakeDecision decision = Decide(Chromium, policy);

        Assert.That(decision.Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
        Assert.That(seen, Is.EqualTo(new[] { "http://127.0.0.1:8080" }));
    }

    [Test]
    public void RequestWithoutOrigin_IsShownToThePolicyAsNull()
    {
        var seen = new List<string?>();
        var policy = new HandshakePolicy { IsOriginAllowed = origin => { seen.Add(origin); return false; } };

        HandshakeDecision decision = Decide(Minimal, policy);

        Assert.That(seen, Is.EqualTo(new string?[] { null }));
        AssertRejected(decision, 403, "Origin not allowed");
    }

    // ---- Precedence: 405, then 505/400, then 426, then 403 ----

    [Test]
    public void WrongMethod_WinsOverEveryOtherFault()
    {
        var refuseAll = new HandshakePolicy { IsOriginAllowed = _ => false };
        const string request = "PUT / HTTP/1.0\r\nUpgrade: h2c\r\nOrigin: https://evil.test\r\n\r\n";

        Assert.That(Decide(request, refuseAll).StatusCode, Is.EqualTo(405));
    }

    [Test]
    public void MalformedUpgrade_WinsOverWrongWebSocketVersion()
    {
        string request = MinimalWith("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 8\r\n")
            .Replace("dGhlIHNhbXBsZSBub25jZQ==", "short", StringComparison.Ordinal);

        AssertRejected(Decide(request), 400, "Missing or invalid Sec-WebSocket-Key");
    }

    [Test]
    public void WrongWebSocketVersion_WinsOverRefusedOrigin_AndThePolicyIsNotAsked()
    {
        bool asked = false;
        var policy = new HandshakePolicy { IsOriginAllowed = _ => asked = true };

        HandshakeDecision decision = Decide(MinimalWith("Sec-WebSocket-Version: 13\r\n", ""), policy);

        Assert.That(decision.StatusCode, Is.EqualTo(426));
        Assert.That(asked, Is.False);
    }

    [Test]
    public void OldHttpVersion_WinsOverMissingWebSocketHeaders()
    {
        AssertRejected(Decide("GET / HTTP/1.0\r\nUpgrade: websocket\r\n\r\n"), 400, "HTTP/1.1 or later required");
    }

    // ---- Subprotocols ----

    [Test]
    public void Subprotocol_IsTheClientsFirstSupportedChoice_NotTheServersPreference()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["v2.siren", "v1.siren"] };

        HandshakeDecision decision = Decide(MinimalPlus("Sec-WebSocket-Protocol: v1.siren, v2.siren\r\n"), policy);

        Assert.That(decision.Subprotocol, Is.EqualTo("v1.siren"));
    }

    [Test]
    public void Subprotocol_IsFoundAcrossSeveralHeaderLines_InClientOrder()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["b", "c"] };

        HandshakeDecision decision = Decide(MinimalPlus(
            "Sec-WebSocket-Protocol: a\r\nsec-websocket-protocol: , c ,b\r\nSec-WebSocket-Protocol: b\r\n"), policy);

        Assert.That(decision.Subprotocol, Is.EqualTo("c"));
    }

    [Test]
    public void UnknownSubprotocols_AreNeverEchoed()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["chat"] };

        HandshakeDecision decision = Decide(MinimalPlus("Sec-WebSocket-Protocol: soap, wamp\r\n"), policy);

        Assert.That(decision.Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
        Assert.That(decision.Subprotocol, Is.Null);
    }

    [Test]
    public void SubprotocolMatch_IsCaseSensitive()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["chat"] };

        Assert.That(Decide(MinimalPlus("Sec-WebSocket-Protocol: Chat\r\n"), policy).Subprotocol, Is.Null);
    }

    [Test]
    public void ServerWithoutSubprotocols_EchoesNone()
    {
        Assert.That(Decide(DotNetClientWebSocket).Subprotocol, Is.Null);
    }

    [Test]
    public void ClientWithoutSubprotocols_GetsNone()
    {
        var policy = new HandshakePolicy { SupportedSubprotocols = ["chat"] };

        Assert.That(Decide(Minimal, policy).Subprotocol, Is.Null);
    }
}
