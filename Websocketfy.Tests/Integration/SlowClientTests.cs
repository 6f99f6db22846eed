using System.Net.WebSockets;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>SiREN serves everyone on one thread: a client that reads slowly must never stall it.</summary>
[TestFixture]
public sealed class SlowClientTests
{
    [Test]
    public async Task ClientThatStopsReadingAHugeReply_DoesNotStallOtherClients()
    {
        // About 12.5 MB, several times what the socket buffers between the daemon and a client that does not
        // read hold, and a small memory bound: the reply the stalled client does not take must go to the spool file.
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SpoolMemoryLimit = 256 * 1024 });
        byte[] expected = await RawSiren.QueryAsync(gateway.Siren.Port, Queries.Large, Queries.LargeReplyPatience);

        await using var stalled = await gateway.ConnectAsync();
        int commandsBefore = gateway.Siren.CommandCount;
        await stalled.SendAsync(System.Text.Encoding.UTF8.GetBytes(Queries.Large), WebSocketMessageType.Binary);
        await gateway.Siren.WaitForCommandsAsync(commandsBefore + 1, TimeSpan.FromSeconds(30));
        // The backend connection comes back to the pool only once SiREN's whole reply has been read:
        // without the spool that would wait for the stalled client, and SiREN (one thread) with it.
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.Metrics.OpenBackendConnections == gateway.Gateway.IdleBackendConnections,
                                          Queries.LargeReplyPatience), Is.True,
                    "SiREN's whole reply was read into the spool and the connection went back to the pool");

        await using var other = await gateway.ConnectAsync();
        var reply = await other.RequestAsync("SELECT * FROM images WHERE id = 1");
        Assert.That(reply.Text, Is.EqualTo("id, label, path\n1, normal, study1/img001.dcm\n"));
        Assert.That(gateway.Gateway.Metrics.OpenSpoolFiles, Is.EqualTo(1), "the stalled reply should be spooled to disk");

        var late = await stalled.ReceiveAsync(TimeSpan.FromSeconds(60));
        Assert.That(late.Bytes, Is.EqualTo(expected));
    }
}
