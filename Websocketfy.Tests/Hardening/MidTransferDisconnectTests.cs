using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>A client that goes away in the middle of a large reply leaves nothing behind, and the daemon
/// goes on serving. Counts process descriptors, so it runs alone.</summary>
[TestFixture, NonParallelizable]
public sealed class MidTransferDisconnectTests
{
    private GatewayHarness _gateway = null!;
    private string _spool = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _spool = Directory.CreateTempSubdirectory("websocketfy-spool-").FullName;
        _gateway = await GatewayHarness.StartAsync(o => o with { SpoolDirectory = _spool });
        TestFiles.Sparse(Path.Combine(_gateway.Files.Root, "big.bin"), 200 * TestFiles.MiB);
        TestFiles.Sparse(Path.Combine(_gateway.Files.Root, "warm.bin"), TestFiles.MiB);
        await SendTimeoutTests.WarmUpAsync(_gateway);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_spool, recursive: true);
    }

    [Test]
    public async Task ClientResettingMidwayThroughA200MiBFile_LeavesNoFileOrDescriptorOpen()
    {
        var baseline = await ResourceBaseline.TakeAsync(_gateway);
        using (var client = await RawWsClient.ConnectAsync(_gateway.Port, receiveBufferSize: 64 * 1024))
        {
            await client.SendTextAsync("REQUEST big.bin");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var head = await client.ReadFrameHeadAsync(cts.Token);
            Assert.That(head?.Length, Is.EqualTo(200 * TestFiles.MiB));
            Assert.That(await client.ReadPayloadAsync(8 * TestFiles.MiB, _ => { }, cts.Token), Is.True);
            Assert.That(_gateway.Gateway.Metrics.OpenFiles, Is.EqualTo(1), "the transfer is under way");
            client.Reset();
        }
        await baseline.AssertRestoredAsync(_gateway);
        await AssertServesAsync();
    }

    [Test]
    public async Task ClientEndingTcpMidwayThroughASpooledSqlReply_LeavesNoSpoolFileOrDescriptorOpen()
    {
        var baseline = await ResourceBaseline.TakeAsync(_gateway);
        using (var client = await RawWsClient.ConnectAsync(_gateway.Port, receiveBufferSize: 32 * 1024))
        {
            await client.SendBinaryAsync(Queries.Large);
            using var cts = new CancellationTokenSource(Queries.LargeReplyPatience);
            var head = await client.ReadFrameHeadAsync(cts.Token);
            Assert.That(head is { Opcode: 0x2, Fin: false }, Is.True, "the reply streams as a fragmented message");
            Assert.That(await client.ReadPayloadAsync(head!.Value.Length, _ => { }, cts.Token), Is.True);
            Assert.That(await Wait.UntilAsync(() => _gateway.Gateway.Metrics.OpenSpoolFiles == 1, TimeSpan.FromSeconds(30)),
                        Is.True, "the part the client has not taken waits in a spool file");
            // FIN without a close frame, not reading what is on its way: the daemon sees the end of the stream.
            client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.That(await Wait.UntilAsync(() => _gateway.Gateway.SessionCount == 0), Is.True);
        }
        await baseline.AssertRestoredAsync(_gateway);
        Assert.That(Directory.GetFiles(_spool), Is.Empty, "the spool file is deleted");
        await AssertServesAsync();
    }

    [Test]
    public async Task ClientResettingWhileSirenIsStillSending_DiscardsThatBackendConnection_AndLeavesNothingOpen()
    {
        var baseline = await ResourceBaseline.TakeAsync(_gateway);
        int sirenConnections = _gateway.Siren.ConnectionCount;
        // One byte every 10 ms: the reply of 2000 rows would take minutes, so the relay is mid-reply for sure.
        _gateway.Siren.Fault = SirenFault.SlowBytes;
        try
        {
            using var client = await RawWsClient.ConnectAsync(_gateway.Port);
            await client.SendBinaryAsync("SELECT * FROM big_images");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var head = await client.ReadFrameHeadAsync(cts.Token);
            Assert.That(head?.Fin, Is.False, "the first bytes of the reply are relayed while SiREN is still sending");
            client.Reset();
            Assert.That(await Wait.UntilAsync(() => _gateway.Gateway.SessionCount == 0), Is.True);
        }
        finally
        {
            _gateway.Siren.Fault = SirenFault.None;
        }
        await baseline.AssertRestoredAsync(_gateway);
        await AssertServesAsync();
        Assert.That(_gateway.Siren.ConnectionCount, Is.GreaterThan(sirenConnections), "the interrupted connection was not reused");
    }

    private async Task AssertServesAsync()
    {
        using var client = await RawWsClient.ConnectAsync(_gateway.Port);
        await client.SendTextAsync("REQUEST warm.bin");
        Assert.That((await client.ReadMessageAsync(TimeSpan.FromSeconds(30)))?.Length, Is.EqualTo(TestFiles.MiB));
        await client.SendTextAsync("SELECT 1");
        Assert.That((await client.ReadSmallMessageAsync(TimeSpan.FromSeconds(30)))?.Text, Is.EqualTo("1\n1\n"));
    }
}
