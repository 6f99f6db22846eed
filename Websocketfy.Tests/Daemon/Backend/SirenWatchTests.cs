using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.Daemon.Backend;

/// <summary>One check of SiREN without client traffic, against the real SiREN-protocol peer.</summary>
public sealed class SirenWatchTests
{
    private SirenPeerServer _siren = null!;
    private SirenPool _pool = null!;
    private SirenHealth _health = null!;
    private SirenWatch _watch = null!;

    [SetUp]
    public void SetUp()
    {
        _siren = new SirenPeerServer();
        _siren.Start();
        var options = new GatewayOptions
        {
            SirenHost = "127.0.0.1", SirenPort = _siren.Port, SirenPoolSize = 4, SirenConnectTimeout = TimeSpan.FromSeconds(1),
        };
        _pool = new SirenPool(options, new Metrics(), NullLogger.Instance);
        _health = new SirenHealth();
        _watch = new SirenWatch(_pool, _health, new LiveOptions(options));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        _pool.Dispose();
        await _siren.DisposeAsync();
    }

    /// <summary>Leaves <paramref name="count"/> idle connections in the pool.</summary>
    private async Task PoolConnectionsAsync(int count)
    {
        var held = new List<SirenConnection>();
        for (int i = 0; i < count; i++) held.Add((await _pool.AcquireAsync(CancellationToken.None)).Connection);
        foreach (var connection in held) _pool.Release(connection, reusable: true);
    }

    [Test]
    public async Task FirstCheck_WarmsThePool_AndFindsSirenUp()
    {
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status.State, Is.EqualTo(SirenState.Up));
        Assert.That(_pool.IdleCount, Is.EqualTo(1));
    }

    [Test]
    public async Task WhileUp_AnOpenIdleConnectionIsEnough_NothingIsSentOrOpened()
    {
        await PoolConnectionsAsync(1);
        _health.Succeeded();
        int connections = _siren.ConnectionCount, commands = _siren.CommandCount;
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status.State, Is.EqualTo(SirenState.Up));
        Assert.That((_siren.ConnectionCount, _siren.CommandCount), Is.EqualTo((connections, commands)));
    }

    [Test]
    public async Task WhileUp_SirenGone_TurnsDown()
    {
        await PoolConnectionsAsync(2);
        _health.Succeeded();
        await _siren.StopAsync();
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status.State, Is.EqualTo(SirenState.Down));
        Assert.That(_pool.IdleCount, Is.EqualTo(0), "the dead pooled connections were discarded");
    }

    [Test]
    public async Task WhileDown_OpenPooledConnectionsDoNotCount_ANewOneMustBeGreeted()
    {
        // A hung SiREN keeps its sockets open but greets no one: the pool's open connections prove nothing.
        await PoolConnectionsAsync(2);
        _health.Failed("did not answer within 60 s");
        _siren.Fault = SirenFault.NoGreeting;
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status, Is.EqualTo(new SirenStatus(SirenState.Down, "no greeting within 1 s")));
        Assert.That(_pool.IdleCount, Is.EqualTo(2), "the check left the pool alone");

        _siren.Fault = SirenFault.None;
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status.State, Is.EqualTo(SirenState.Up));
    }

    [Test]
    public async Task WhileUp_ABusyPool_IsLeftAlone()
    {
        _health.Succeeded();
        var (busy, _) = await _pool.AcquireAsync(CancellationToken.None);
        await _siren.StopAsync();
        await _watch.CheckAsync(CancellationToken.None);
        Assert.That(_health.Status.State, Is.EqualTo(SirenState.Up), "the command in flight will tell");
        _pool.Release(busy, reusable: false);
    }
}
