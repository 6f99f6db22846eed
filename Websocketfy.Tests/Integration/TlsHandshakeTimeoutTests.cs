using System.Net.Sockets;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>The TLS handshake counts against handshake-timeout: a client that starts one and never
/// finishes it gives its connection slot back.</summary>
[TestFixture]
public sealed class TlsHandshakeTimeoutTests
{
    [Test]
    public async Task ClientThatNeverFinishesTheTlsHandshake_IsClosed_AndItsSlotServesTheNextClient()
    {
        using var pki = new TestPki();
        var credentials = pki.Issue();
        await using var gateway = await GatewayHarness.StartAsync(options => options with
        {
            TlsCertificate = credentials.CertificatePath,
            TlsKey = credentials.KeyPath,
            MaxConnections = 1,
            HandshakeTimeout = TimeSpan.FromSeconds(1),
        });
        using var stalled = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await stalled.ConnectAsync("127.0.0.1", gateway.Port);
        // The first five bytes of a ClientHello record header: the daemon starts TLS and waits for the rest.
        await stalled.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 }, SocketFlags.None);
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 1, TimeSpan.FromSeconds(30)),
                    "the stalled client holds the only slot");

        byte[] rest = await TlsTests.ReadToEndAsync(stalled);
        Assert.That(rest, Is.Empty, "the daemon closes the stalled connection without a word");

        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 0, TimeSpan.FromSeconds(30)));
        await using var next = await WssClient.ConnectAsync(gateway.Port, pki);
        Assert.That((await next.RequestAsync("SELECT 1 AS a")).Text, Is.EqualTo("a\n1\n"));
    }
}
