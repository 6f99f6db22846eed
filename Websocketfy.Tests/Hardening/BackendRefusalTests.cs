using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>SiREN down while the daemon runs (BackendFaultTests covers SiREN down at start and its other faults):
/// SQL gets the "unavailable" reply, files keep flowing, and SQL works again once SiREN is back.</summary>
[TestFixture]
public sealed class BackendRefusalTests
{
    private const string Unavailable = "Command failed.\nSiREN server is unavailable.\n";

    [Test]
    public async Task SirenGoingDownAndRefusing_WithAConnectionPooled_GivesUnavailable_FilesUnaffected_ThenRecovers()
    {
        await using var gateway = await GatewayHarness.StartAsync(populate: files => files.Write("study/slice.dcm", Encoding.ASCII.GetBytes("DICM slice")));
        using var sql = await RawWsClient.ConnectAsync(gateway.Port);
        await sql.SendTextAsync("SELECT 1");
        Assert.That((await sql.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
        // The relay gives its connection back just after the reply's last bytes are handed on: wait for it.
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.IdleBackendConnections == 1), Is.True, "a connection waits in the pool");

        // SiREN restarts into refusing connections: the pooled connection is dead, new ones are refused.
        gateway.Siren.Fault = SirenFault.RefuseConnections;
        await gateway.Siren.RestartAsync();

        using var files = await RawWsClient.ConnectAsync(gateway.Port);
        await sql.SendTextAsync("SELECT 2");
        await files.SendTextAsync("REQUEST study/slice.dcm");
        Assert.That((await sql.ReadSmallMessageAsync())?.Text, Is.EqualTo(Unavailable));
        Assert.That((await files.ReadSmallMessageAsync())?.Text, Is.EqualTo("DICM slice"));
        await sql.SendTextAsync("REQUEST study/slice.dcm");
        Assert.That((await sql.ReadSmallMessageAsync())?.Text, Is.EqualTo("DICM slice"), "the SQL client's own file requests work too");
        Assert.That(gateway.Gateway.Metrics.OpenBackendConnections, Is.EqualTo(0), "the dead pooled connection was discarded");

        gateway.Siren.Fault = SirenFault.None;
        await gateway.Siren.RestartAsync();
        await sql.SendTextAsync("SELECT 3");
        Assert.That((await sql.ReadSmallMessageAsync())?.Text, Is.EqualTo("3\n3\n"));
    }

    [Test]
    public async Task SqlWaitingForASilentSiren_DoesNotDelayFileRequestsOfOtherClients()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenConnectTimeout = TimeSpan.FromSeconds(3) },
            new SirenPeerOptions { Fault = SirenFault.NoGreeting },
            populate: files => files.Write("study/slice.dcm", Encoding.ASCII.GetBytes("DICM slice")));
        using var sql = await RawWsClient.ConnectAsync(gateway.Port);
        using var files = await RawWsClient.ConnectAsync(gateway.Port);
        await sql.SendTextAsync("SELECT 1");
        var unavailable = sql.ReadSmallMessageAsync(TimeSpan.FromSeconds(30));

        await files.SendTextAsync("REQUEST study/slice.dcm");
        Assert.That((await files.ReadSmallMessageAsync())?.Text, Is.EqualTo("DICM slice"));
        Assert.That(unavailable.IsCompleted, Is.False, "the file was served while the SQL command still waited for SiREN's greeting");
        Assert.That((await unavailable)?.Text, Is.EqualTo(Unavailable));
    }
}
