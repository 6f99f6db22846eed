using System.Text;
using Websocketfy.Tests.Support;
using static Websocketfy.Tests.HAProxy.ScaleOut;

namespace Websocketfy.Tests.HAProxy;

/// <summary>
/// A restart of one instance behind Debian's real haproxy (packaging/README.md, "Restarts, upgrades
/// and failures"): SIGTERM turns its /healthz to 503 while it serves on for drain-delay, HAProxy's
/// checks take it out of rotation and new clients go to the other instance; then the drain lets a
/// command in flight finish before 1001, and the clients that reconnect are served by the other.
/// </summary>
/// <remarks>
/// Nothing here waits for time. drain-delay is far longer than the test; the test ends it with a
/// second SIGTERM once HAProxy's stats say the instance is DOWN (in production drain-delay ends by
/// itself, after HAProxy had time to notice). The command in flight is held at the instance's relay
/// to SiREN until the drain has begun.
/// </remarks>
[Category(HAProxyProcess.Category)]
[NonParallelizable]
public class HAProxyDrainTests
{
    // About 5 MB of reply: more than the relay passes before it holds, so the prompt stays behind.
    private const string LongQuery = "SELECT * FROM huge_images";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Sigterm_TakesTheInstanceOutOfRotation_FinishesItsCommands_Then1001_AndReconnectsLandOnTheOther()
    {
        await using var layout = await StartAsync("--drain-delay", "10m");
        byte[] reference = await RawSiren.QueryAsync(layout.Siren.Port, LongQuery);
        var clients = new List<ScaleOutClient>();
        try
        {
            for (int n = 2; n < 8; n++) clients.Add(await layout.ConnectAsync(Address(n)));
            var onWs1 = clients.Where(c => c.Instance == "ws1").ToList();
            var onWs2 = clients.Where(c => c.Instance == "ws2").ToList();
            Assert.That(onWs1, Has.Count.GreaterThanOrEqualTo(2), "leastconn puts clients on both instances");
            Assert.That(onWs2, Is.Not.Empty);
            ScaleOutClient busy = onWs1[0];
            var idle = onWs1.Skip(1).ToList();

            // The busy client's command reaches SiREN and its reply is held on the way back.
            Assert.That(await CommandAsync(busy.Ws, "SELECT * FROM images"), Does.StartWith(Images), "a pooled SiREN connection to use");
            int commandsBefore = layout.Siren.CommandCount;
            layout.SirenLinkOf("ws1").HoldAfter(0);
            await busy.Ws.SendTextAsync(LongQuery);
            await layout.Siren.WaitForCommandsAsync(commandsBefore + 1, Patience);

            // SIGTERM: /healthz says 503 at once; HAProxy's checks take ws1 out of rotation.
            var ws1 = layout["ws1"];
            ws1.Terminate();
            await ws1.Output.WaitForLineAsync("serving on for drain-delay");
            var health = await HttpAnswer.GetAsync(layout.OpsPortOf("ws1"), "/healthz");
            Assert.That((health.Status, health.Json.GetProperty("status").GetString()), Is.EqualTo((503, "draining")));
            await layout.HAProxy.WaitForStatusAsync("ws1", "DOWN");
            Assert.That(await layout.HAProxy.ServerStatusAsync("ws2"), Is.EqualTo("UP"));

            // New clients all go to ws2; ws1's open clients are still served meanwhile.
            for (int n = 10; n < 14; n++)
            {
                var late = await layout.ConnectAsync(Address(n));
                clients.Add(late);
                Assert.That(late.Instance, Is.EqualTo("ws2"), "a new client while ws1 is out of rotation");
            }
            foreach (var client in idle)
                Assert.That(await CommandAsync(client.Ws, "REQUEST instance.txt"), Is.EqualTo("ws1"), "served during drain-delay");

            // The drain: idle clients are closed with 1001 at once, the busy one only after its reply.
            ws1.Terminate();
            await ws1.Output.WaitForLineAsync("connections to drain");
            foreach (var client in idle)
                Assert.That((await client.Ws.ReadUntilCloseAsync(Patience))?.CloseCode, Is.EqualTo(1001), "an idle client is told the server is going away");
            var metrics = PrometheusText.Parse((await HttpAnswer.GetAsync(layout.OpsPortOf("ws1"), "/metrics")).Body);
            Assert.That(metrics.Value("websocketfy_backend_connections_busy"), Is.EqualTo(1), "the busy client's command is still in flight");

            layout.SirenLinkOf("ws1").Release();
            byte[] reply = await ReadMessageAsync(busy.Ws);
            Assert.That(reply, Is.EqualTo(reference), "the command in flight finished, whole");
            var busyEnd = await busy.Ws.ReadUntilCloseAsync(Patience);
            Assert.That((busyEnd?.CloseCode, busyEnd?.CloseReason), Is.EqualTo(((ushort?)1001, "server shutting down")));
            await ws1.AssertExitsCleanlyAsync(Patience);

            // Both come back through HAProxy and are served by ws2, their commands answered.
            foreach (var gone in idle.Append(busy))
            {
                var again = await layout.ConnectAsync(gone.Local.Address);
                clients.Add(again);
                Assert.That(again.Instance, Is.EqualTo("ws2"));
                Assert.That(Encoding.UTF8.GetBytes(await CommandAsync(again.Ws, "SELECT * FROM images")),
                            Is.EqualTo(await RawSiren.QueryAsync(layout.Siren.Port, "SELECT * FROM images")));
                await QuitAsync(again);
                Assert.That(await layout["ws2"].Output.WaitForLineAsync(again.Logged), Does.Contain("ended after"));
            }
            // ws2's own clients never noticed.
            foreach (var client in onWs2)
                Assert.That(await CommandAsync(client.Ws, "REQUEST instance.txt"), Is.EqualTo("ws2"));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    /// <summary>One whole message, fragments joined; pings (an idle client's keepalive) skipped.</summary>
    private static async Task<byte[]> ReadMessageAsync(RawWsClient ws)
    {
        var message = new MemoryStream();
        while (true)
        {
            var frame = await ws.ReadFrameAsync(Patience);
            Assert.That(frame, Is.Not.Null, "the connection ended in the middle of the reply");
            if (frame!.Opcode == 0x9) continue;
            Assert.That(frame.Opcode, Is.Not.EqualTo(0x8), $"closed ({frame.CloseCode}) before the reply was complete");
            message.Write(frame.Payload);
            if (frame.Fin) return message.ToArray();
        }
    }
}
