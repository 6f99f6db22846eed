using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// send-timeout: a client that stops reading costs a bounded amount (no buffering of what it does not take)
/// and is dropped once a send makes no progress for that long; a slow reader that keeps reading is not.
/// Measures process memory and descriptors, so it runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class SendTimeoutTests
{
    private const long FileSize = 200 * TestFiles.MiB;
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);

    [Test]
    public async Task ClientThatStopsReadingA200MiBFile_IsDroppedAfterTheSendTimeout_WithoutTheFileInMemory()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SendTimeout = SendTimeout });
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "big.bin"), FileSize);
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "warm.bin"), TestFiles.MiB);
        await WarmUpAsync(gateway);
        long heapBefore = DaemonProcess.ManagedHeapAfterCollection();
        long workingSetBefore = DaemonProcess.InProcess.WorkingSet();

        long peakHeap, peakWorkingSet;
        using var client = await RawWsClient.ConnectAsync(gateway.Port, receiveBufferSize: 32 * 1024);
        await using (var sampler = new DaemonProcess.PeakSampler())
        {
            await client.SendTextAsync("REQUEST big.bin");
            Assert.That(await Wait.UntilAsync(() => gateway.Gateway.Metrics.OpenFiles == 1), Is.True,
                        "the transfer started");
            // The client reads nothing from here on.
            Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 0), Is.True,
                        "the stalled connection is dropped");
            peakHeap = sampler.PeakManagedHeap;
            peakWorkingSet = sampler.PeakWorkingSet;
        }
        Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(0));
        Assert.That(gateway.Gateway.Metrics.OpenFiles, Is.EqualTo(0), "the file is closed");

        long received = await client.DrainUntilEndAsync();
        Assert.That(received, Is.InRange(0, FileSize - 1), "TCP ended before the whole message");

        TestContext.Out.WriteLine($"stalled 200 MiB transfer: peak managed heap +{(peakHeap - heapBefore) / TestFiles.MiB} MiB, " +
                                  $"peak working set +{(peakWorkingSet - workingSetBefore) / TestFiles.MiB} MiB, client got {received} bytes");
        Assert.That(peakHeap - heapBefore, Is.LessThan(32 * TestFiles.MiB), "managed heap must not grow with the file");
        Assert.That(peakWorkingSet - workingSetBefore, Is.LessThan(64 * TestFiles.MiB), "working set must not grow with the file");
    }

    [Test]
    public async Task ClientReadingSlowlyButSteadily_IsNotDroppedBySendTimeout()
    {
        // 256 KiB/s. The kernel wakes a writer blocked on a full send buffer (autotuned to about 4 MiB here)
        // only once a third of it has drained: over 5 s at this pace, longer than send-timeout, though bytes
        // move all the time. The daemon must judge by that movement, not by how long one write waits.
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SendTimeout = TimeSpan.FromSeconds(3) });
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "big.bin"), FileSize);
        using var client = await RawWsClient.ConnectAsync(gateway.Port, receiveBufferSize: 32 * 1024);
        await client.SendTextAsync("REQUEST big.bin");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var head = await client.ReadFrameHeadAsync(cts.Token);
        Assert.That(head?.Length, Is.EqualTo(FileSize));

        for (int i = 0; i < 48; i++)
        {
            Assert.That(await client.ReadPayloadAsync(32 * 1024, _ => { }, cts.Token), Is.True, "the transfer goes on");
            await Task.Delay(125);
        }
        Assert.That(gateway.Gateway.SessionCount, Is.EqualTo(1), "a transfer that keeps making progress is not a stalled one");
        Assert.That(gateway.Gateway.Metrics.OpenFiles, Is.EqualTo(1));
    }

    [Test]
    public async Task ClientThatStopsReadingALargeSqlReply_SpoolsItToDisk_IsDropped_AndTheSpoolFileIsDeleted()
    {
        string spool = Directory.CreateTempSubdirectory("websocketfy-spool-").FullName;
        try
        {
            await using var gateway = await GatewayHarness.StartAsync(o => o with
            {
                SendTimeout = SendTimeout,
                SpoolMemoryLimit = 256 * 1024,
                SpoolDirectory = spool,
            });
            using var client = await RawWsClient.ConnectAsync(gateway.Port, receiveBufferSize: 32 * 1024);
            await client.SendBinaryAsync(Queries.Large);

            Assert.That(await Wait.UntilAsync(() => gateway.Gateway.Metrics.OpenSpoolFiles == 1, Queries.LargeReplyPatience), Is.True,
                        "what the client does not take goes to a spool file");
            Assert.That(Directory.GetFiles(spool), Has.Length.EqualTo(1));
            Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 0, TimeSpan.FromSeconds(30)), Is.True,
                        "the stalled connection is dropped");

            Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(0));
            Assert.That(gateway.Gateway.Metrics.OpenSpoolFiles, Is.EqualTo(0));
            Assert.That(Directory.GetFiles(spool), Is.Empty, "the spool file is deleted");
            Assert.That(await Wait.UntilAsync(
                            () => gateway.Gateway.Metrics.OpenBackendConnections == gateway.Gateway.IdleBackendConnections),
                        Is.True, "every SiREN connection left is idle in the pool");
            Assert.That(await client.DrainUntilEndAsync(), Is.GreaterThanOrEqualTo(0), "TCP ended");

            using var other = await RawWsClient.ConnectAsync(gateway.Port);
            await other.SendTextAsync("SELECT 1");
            Assert.That((await other.ReadSmallMessageAsync(TimeSpan.FromSeconds(30)))?.Text, Is.EqualTo("1\n1\n"));
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    /// <summary>JIT, thread pool and socket engine settle before a baseline is taken.</summary>
    internal static async Task WarmUpAsync(GatewayHarness gateway)
    {
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await client.SendTextAsync("REQUEST warm.bin");
        var file = await client.ReadMessageAsync(TimeSpan.FromSeconds(30));
        Assert.That(file?.Length, Is.EqualTo(TestFiles.MiB));
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync())?.Text, Is.EqualTo("1\n1\n"));
    }
}
