using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Http;

/// <summary>
/// Our handshake answers, fed to a real client over loopback: .NET's ClientWebSocket must accept
/// the 101 (it checks the accept key and the subprotocol) and read our error answers as HTTP.
/// </summary>
public class ClientWebSocketHandshakeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Accepts one connection, parses its head in whatever pieces TCP delivers,
    /// answers as the decision says, and returns the decision.</summary>
    private static async Task<HandshakeDecision> AnswerOneHandshake(TcpListener listener, HandshakePolicy policy, CancellationToken ct)
    {
        using Socket socket = await listener.AcceptSocketAsync(ct);
        var parser = new RequestHeadParser();
        byte[] buffer = new byte[512];
        HeadParseStatus status = HeadParseStatus.NeedMoreData;
        while (status == HeadParseStatus.NeedMoreData)
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            Assert.That(read, Is.Positive, "client closed before the head was complete");
            status = parser.Feed(buffer.AsSpan(0, read), out _);
        }
        Assert.That(status, Is.EqualTo(HeadParseStatus.Complete));

        HandshakeDecision decision = HandshakeValidator.Decide(parser.Head!, policy);
        byte[] answer = decision.Outcome == HandshakeOutcome.Upgrade
            ? HttpResponses.SwitchingProtocols(decision.AcceptKey!, decision.Subprotocol)
            : HttpResponses.Error(decision.StatusCode, decision.Reason);
        await socket.SendAsync(answer, SocketFlags.None, ct);
        if (decision.Outcome == HandshakeOutcome.Upgrade)
        {
            // Keep the socket open until the client has seen the answer and drops the connection
            // (a FIN or, depending on timing, a reset: either ends the wait).
            try
            {
                await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            }
            catch (SocketException)
            {
            }
        }
        return decision;
    }

    [Test]
    public async Task ClientWebSocket_AcceptsOurSwitchingProtocols_WithTheNegotiatedSubprotocol()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var policy = new HandshakePolicy { SupportedSubprotocols = ["chat"] };
            Task<HandshakeDecision> server = AnswerOneHandshake(listener, policy, cts.Token);
            using var client = new ClientWebSocket();
            client.Options.AddSubProtocol("superchat");
            client.Options.AddSubProtocol("chat");

            await client.ConnectAsync(new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/ws"), cts.Token);

            Assert.That(client.State, Is.EqualTo(WebSocketState.Open));
            Assert.That(client.SubProtocol, Is.EqualTo("chat"));
            client.Abort();
            Assert.That((await server).Outcome, Is.EqualTo(HandshakeOutcome.Upgrade));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public async Task ClientWebSocket_ReadsOurRefusalAsAnHttpStatus()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var policy = new HandshakePolicy { IsOriginAllowed = _ => false };
            Task<HandshakeDecision> server = AnswerOneHandshake(listener, policy, cts.Token);
            using var client = new ClientWebSocket();
            client.Options.CollectHttpResponseDetails = true;

            Assert.That(async () => await client.ConnectAsync(
                            new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"), cts.Token),
                        Throws.InstanceOf<WebSocketException>());

            Assert.That(client.HttpStatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await server).StatusCode, Is.EqualTo(403));
        }
        finally
        {
            listener.Stop();
        }
    }
}
