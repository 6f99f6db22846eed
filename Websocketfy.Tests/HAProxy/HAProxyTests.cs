using System.Text;
using Websocketfy.Tests.Support;
using static Websocketfy.Tests.HAProxy.ScaleOut;

namespace Websocketfy.Tests.HAProxy;

/// <summary>
/// Debian's real haproxy with packaging/haproxy/websocketfy.cfg in front of two daemon processes on
/// loopback (<see cref="ScaleOut"/>): the layout packaging/README.md recommends, and what it promises.
/// </summary>
[Category(HAProxyProcess.Category)]
[NonParallelizable]
public class HAProxyTests
{
    [Test]
    public async Task Clients_AreSpreadOverBothInstances_WhichLogAndLimitByTheRealClientAddress()
    {
        await using var layout = await StartAsync("--max-connections-per-ip", "2");
        var clients = new List<ScaleOutClient>();
        try
        {
            // Eight clients from eight addresses: every connection reaches the instances from HAProxy's
            // address, yet none is refused although each instance holds more than two.
            for (int n = 2; n < 10; n++) clients.Add(await layout.ConnectAsync(Address(n)));
            var perInstance = clients.GroupBy(c => c.Instance).ToDictionary(g => g.Key, g => g.Count());
            Assert.That(perInstance.Keys, Is.EquivalentTo(new[] { "ws1", "ws2" }), "leastconn uses both instances");
            Assert.That(perInstance.Values, Has.All.GreaterThan(2), "more than max-connections-per-ip per instance, all from HAProxy");
            foreach (var client in clients)
                Assert.That(await CommandAsync(client.Ws, "SELECT * FROM images"), Does.StartWith(Images));

            // One address opening six: each instance lets it have two and refuses the rest with 503.
            var burst = new List<string>();
            for (int i = 0; i < 6; i++)
            {
                var ws = await RawWsClient.ConnectAsync(layout.HAProxy.TcpPort, upgrade: false, from: Address(20));
                await ws.SendRawAsync(RawWsClient.UpgradeRequest());
                string head = await ws.ReadHttpHeadAsync();
                if (head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
                    clients.Add(new ScaleOutClient(ws, await InstanceOfAsync(ws), (System.Net.IPEndPoint)ws.Socket.LocalEndPoint!));
                else
                    ws.Dispose();
                burst.Add(head.Split("\r\n")[0]);
            }
            var accepted = clients.Where(c => c.Local.Address.Equals(Address(20))).ToList();
            Assert.That(accepted.GroupBy(c => c.Instance).Select(g => g.Count()), Has.All.LessThanOrEqualTo(2), string.Join('\n', burst));
            Assert.That(burst, Has.Some.StartsWith("HTTP/1.1 503 "));
            var (refusedBy, _) = await layout.WaitForLineOnEitherAsync("max-connections-per-ip reached for 127.0.0.20");
            Assert.That(refusedBy, Is.AnyOf("ws1", "ws2"));

            foreach (var client in clients) await QuitAsync(client);
            foreach (var client in clients)
            {
                string other = client.Instance == "ws1" ? "ws2" : "ws1";
                Assert.That(await layout[client.Instance].Output.WaitForLineAsync(client.Logged), Does.Contain("ended after"));
                Assert.That(layout[other].Output.SoFar, Does.Not.Contain(client.Logged));
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Test]
    public async Task ForgedHeadersSentThroughHAProxy_AreRefusedOrIgnored_AndTheRealAddressLogged()
    {
        await using var layout = await StartAsync();

        // A PROXY header of the client's own, after the one HAProxy wrote: 400.
        using (var forger = await RawWsClient.ConnectAsync(layout.HAProxy.TcpPort, upgrade: false, from: Address(30)))
        {
            await forger.SendRawAsync([.. "PROXY TCP4 203.0.113.66 10.0.0.10 4444 8080\r\n"u8, .. RawWsClient.UpgradeRequest()]);
            Assert.That(await forger.ReadHttpHeadAsync(), Does.StartWith("HTTP/1.1 400 "));
            string local = forger.Socket.LocalEndPoint!.ToString()!;
            var (_, refused) = await layout.WaitForLineOnEitherAsync($"{local} via");
            Assert.That(refused, Does.Contain("refused: PROXY protocol header, but a second one"));
        }

        // X-Forwarded-For from a client: ignored, the PROXY header decides.
        using (var forger = await RawWsClient.ConnectAsync(layout.HAProxy.TcpPort, upgrade: false, from: Address(31)))
        {
            await forger.SendRawAsync(RawWsClient.UpgradeRequest("X-Forwarded-For: 203.0.113.66\r\n"));
            Assert.That(await forger.ReadHttpHeadAsync(), Does.StartWith("HTTP/1.1 101 "));
            string instance = await InstanceOfAsync(forger);
            string local = forger.Socket.LocalEndPoint!.ToString()!;
            await forger.SendTextAsync("QUIT");
            await forger.ReadUntilCloseAsync();
            Assert.That(await layout[instance].Output.WaitForLineAsync($"connection {local} via 127.0.0.1:"), Does.Contain("ended after"));
        }
        Assert.That(layout["ws1"].Output.SoFar + layout["ws2"].Output.SoFar, Does.Not.Contain("203.0.113.66"));
    }

    [Test]
    public async Task TlsEndedAtHAProxy_ModeHttpVariant_ServesAndLogsTheRealClient()
    {
        await using var layout = await StartAsync();

        using var client = await RawWsClient.ConnectTlsAsync(layout.HAProxy.TlsPort, Address(40));
        string local = client.Socket.LocalEndPoint!.ToString()!;
        string instance = await InstanceOfAsync(client);
        Assert.That(instance, Is.AnyOf("ws1", "ws2"));
        Assert.That(await CommandAsync(client, "SELECT * FROM images"), Does.StartWith(Images));
        await client.SendTextAsync("QUIT");
        Assert.That((await client.ReadUntilCloseAsync())?.CloseCode, Is.EqualTo(1000));
        Assert.That(await layout[instance].Output.WaitForLineAsync($"connection {local} via 127.0.0.1:"), Does.Contain("ended after"));
    }

    /// <summary>The example's variant for HAProxy on the instances' host: the checks reach /healthz on the main
    /// port with check-send-proxy's header, which leaves HAProxy (loopback) as the client; clients are named by
    /// the header HAProxy writes, version 2 (send-proxy-v2) or 1 (send-proxy).</summary>
    [TestCase(false, TestName = "SameHostVariant_ChecksOnTheMainPortPass_AndSendProxyV2NamesTheClient")]
    [TestCase(true, TestName = "SameHostVariant_ChecksOnTheMainPortPass_AndSendProxyV1NamesTheClient")]
    public async Task SameHostVariant(bool proxyV1)
    {
        // Both instances UP means HAProxy's checks, with their PROXY header, were answered 200.
        await using var layout = await StartAsync(new Checks(OnMainPort: true, ProxyV1: proxyV1), "--log-level", "debug");
        var clients = new List<ScaleOutClient>();
        try
        {
            for (int n = 50; n < 54; n++) clients.Add(await layout.ConnectAsync(Address(n)));
            Assert.That(clients.Select(c => c.Instance).Distinct(), Is.EquivalentTo(new[] { "ws1", "ws2" }));
            foreach (var client in clients)
            {
                Assert.That(await CommandAsync(client.Ws, "SELECT * FROM images"), Does.StartWith(Images));
                await QuitAsync(client);
                // At debug level the first line about the client is the header that named it.
                Assert.That(await layout[client.Instance].Output.WaitForLineAsync($"{client.Local} via 127.0.0.1:"),
                            Does.Contain($"PROXY v{(proxyV1 ? 1 : 2)} "));
                Assert.That(await layout[client.Instance].Output.WaitForLineAsync(client.Logged), Does.Contain("ended after"));
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Test]
    public async Task KillingOneInstance_LosesOnlyItsOwnConnections()
    {
        await using var layout = await StartAsync();
        var clients = new List<ScaleOutClient>();
        try
        {
            for (int n = 2; n < 8; n++) clients.Add(await layout.ConnectAsync(Address(n)));
            Assert.That(clients.Select(c => c.Instance).Distinct(), Is.EquivalentTo(new[] { "ws1", "ws2" }));

            await layout["ws2"].KillAsync();

            foreach (var client in clients.Where(c => c.Instance == "ws2"))
                Assert.That(await client.Ws.ReadFrameAsync(TimeSpan.FromSeconds(30)), Is.Null, "ws2's client loses its connection");
            foreach (var client in clients.Where(c => c.Instance == "ws1"))
                Assert.That(await CommandAsync(client.Ws, "SELECT * FROM images"), Does.StartWith(Images), "ws1's client carries on");

            // New clients, and ws2's clients coming back, are all served by ws1.
            await layout.HAProxy.WaitForStatusAsync("ws2", "DOWN");
            for (int n = 2; n < 8; n++)
            {
                using var again = await layout.ConnectAsync(Address(n));
                Assert.That(again.Instance, Is.EqualTo("ws1"));
                Assert.That(await CommandAsync(again.Ws, "SELECT * FROM images"), Does.StartWith(Images));
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }
}
