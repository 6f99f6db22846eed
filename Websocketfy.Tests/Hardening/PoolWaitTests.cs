using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Ops;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>A command that finds every pooled SiREN connection busy waits for one at most
/// siren-connect-timeout, then gets the "unavailable" reply instead of waiting without end.</summary>
[TestFixture]
public sealed class PoolWaitTests
{
    [Test]
    public async Task CommandWaitingForABusyPool_GetsUnavailableAfterTheConnectTimeout()
    {
        // SiREN takes the first command and never answers: its connection stays busy until siren-timeout.
        await using var gateway = await GatewayHarness.StartAsync(
            options => options with
            {
                SirenPoolSize = 1,
                SirenConnectTimeout = TimeSpan.FromSeconds(1),
                SirenTimeout = TimeSpan.FromMinutes(10),
                ShutdownTimeout = TimeSpan.FromSeconds(1),
            },
            peer: new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        var pool = gateway.Gateway.Pool;
        await using var holder = await gateway.ConnectAsync();
        await using var waiter = await gateway.ConnectAsync();
        await holder.SendTextAsync("SELECT 1 AS a");
        await gateway.Siren.WaitForCommandsAsync(1, TimeSpan.FromSeconds(30));

        var reply = await waiter.RequestAsync("SELECT 2 AS b");

        Assert.That(reply.Text, Is.EqualTo("Command failed.\nSiREN server is unavailable.\n"));
        Assert.That((pool.WaitingCount, pool.BusyCount), Is.EqualTo((0, 1)), "the waiter left the queue; the holder still has its slot");
        Assert.That(gateway.Siren.CommandCount, Is.EqualTo(1), "the waiting command never reached SiREN");
    }

    [Test]
    public async Task ManyWaitingCommandsThatEachEndAtOnce_AreGrantedWithoutGrowingTheStack()
    {
        // A granted command runs on the thread that freed the slot. Here every granted "command" gives its
        // connection straight back, so without a guard each grant would run the next one inside itself.
        const int Waiters = 400;
        await using var siren = new SirenPeerServer();
        siren.Start();
        var options = new GatewayOptions { SirenHost = "127.0.0.1", SirenPort = siren.Port, SirenPoolSize = 1 };
        using var pool = new SirenPool(options, new Metrics(), NullLogger.Instance);

        var (held, _) = await pool.AcquireAsync(CancellationToken.None);
        int deepest = 0, grantedInsideTheRelease = 0, releasingThread = 0;
        async Task TakeAndGiveBackAsync()
        {
            var (connection, _) = await pool.AcquireAsync(CancellationToken.None).ConfigureAwait(false);
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref releasingThread)) Interlocked.Increment(ref grantedInsideTheRelease);
            int depth = new StackTrace().FrameCount;
            Interlocked.Exchange(ref deepest, Math.Max(Volatile.Read(ref deepest), depth));
            pool.Release(connection, reusable: true);
        }
        var waiting = Enumerable.Range(0, Waiters).Select(_ => TakeAndGiveBackAsync()).ToArray();
        Assert.That(pool.WaitingCount, Is.EqualTo(Waiters));

        Volatile.Write(ref releasingThread, Environment.CurrentManagedThreadId);
        pool.Release(held, reusable: true);
        Volatile.Write(ref releasingThread, 0);
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.That((pool.WaitingCount, pool.BusyCount), Is.EqualTo((0, 0)));
        Assert.That(siren.ConnectionCount, Is.EqualTo(1), "every waiter got the one pooled connection in turn");
        // One grant inline is a few dozen frames; 400 nested would be thousands.
        Assert.That(deepest, Is.LessThan(300), "grants nested inside each other");
        Assert.That(grantedInsideTheRelease, Is.EqualTo(1), "the first waiter goes on inside the Release that freed its slot, without a hop to the pool");
    }
}
