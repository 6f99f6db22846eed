using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.Daemon.Backend;

/// <summary>One check of SiREN without client traffic, against the real SiREN-protocol peer.</summary>
public sealed class SirenWatchTests
{
    private static (SirenPool Pool, SirenHealth Health, SirenWatch Watch) Create(SirenPeerServer siren)
    {
        var options = new GatewayOptions
        {
            SirenHost = "127.0.0.1", SirenPort = siren.Port, SirenPoolSize = 4, SirenConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var pool = new SirenPool(options, new Metrics(), NullLogger.Instance);
        var health = new SirenHealth();
        return (pool, health, new SirenWatch(pool, health, options));
    }

    /// <summary>Leaves <paramref name="count"/> idle connections in the pool.</summary>
    private static async Task PoolConnectionsAsync(SirenPool pool, int count)
    {
        var held = new List<SirenConnection>();
        for (int i = 0; i < count; i++) held.Add((await pool.AcquireAsync(CancellationToken.None)).Connection);
        foreach (var connection in held) pool.Release(connection, reusable: true);
    }

    [Test]
    public async Task FirstCheck_WarmsThePool_AndFindsSirenUp()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        var (pool, health, watch) = Create(siren);
        using (pool)
        {
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status.State, Is.EqualTo(SirenState.Up));
            Assert.That(pool.IdleCount, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task WhileUp_AnOpenIdleConnectionIsEnough_NothingIsSentOrOpened()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        var (pool, health, watch) = Create(siren);
        using (pool)
        {
            await PoolConnectionsAsync(pool, 1);
            health.Succeeded();
            int connections = siren.ConnectionCount, commands = siren.CommandCount;
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status.State, Is.EqualTo(SirenState.Up));
            Assert.That((siren.ConnectionCount, siren.CommandCount), Is.EqualTo((connections, commands)));
        }
    }

    [Test]
    public async Task WhileUp_SirenGone_TurnsDown()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        var (pool, health, watch) = Create(siren);
        using (pool)
        {
            await PoolConnectionsAsync(pool, 2);
            health.Succeeded();
            await siren.StopAsync();
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status.State, Is.EqualTo(SirenState.Down));
            Assert.That(pool.IdleCount, Is.EqualTo(0), "the dead pooled connections were discarded");
        }
    }

    [Test]
    public async Task WhileDown_OpenPooledConnectionsDoNotCount_ANewOneMustBeGreeted()
    {
        // A hung SiREN keeps its sockets open but greets no one: the pool's open connections prove nothing.
        await using var siren = new SirenPeerServer();
        siren.Start();
        var (pool, health, watch) = Create(siren);
        using (pool)
        {
            await PoolConnectionsAsync(pool, 2);
            health.Failed("did not answer within 60 s");
            siren.Fault = SirenFault.NoGreeting;
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status, Is.EqualTo(new SirenStatus(SirenState.Down, "no greeting within 1 s")));
            Assert.That(pool.IdleCount, Is.EqualTo(2), "the check left the pool alone");

            siren.Fault = SirenFault.None;
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status.State, Is.EqualTo(SirenState.Up));
        }
    }

    [Test]
    public async Task WhileUp_ABusyPool_IsLeftAlone()
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        var (pool, health, watch) = Create(siren);
        using (pool)
        {
            health.Succeeded();
            var (busy, _) = await pool.AcquireAsync(CancellationToken.None);
            await siren.StopAsync();
            await watch.CheckAsync(CancellationToken.None);
            Assert.That(health.Status.State, Is.EqualTo(SirenState.Up), "the command in flight will tell");
            pool.Release(busy, reusable: false);
        }
    }
}
