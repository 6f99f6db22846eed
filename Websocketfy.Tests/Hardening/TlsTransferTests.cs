using System.Security.Cryptography;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// Files over TLS, where sendfile cannot be used: they go through user space in bounded pieces, with
/// backpressure from the client, and send-timeout still judges progress by what TCP acknowledges.
/// Measures memory, so it runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TlsTransferTests
{
    private const long OneGibibyte = 1024 * TestFiles.MiB;
    private const long FileSize = 200 * TestFiles.MiB;

    private TestPki _pki = null!;
    private ServerCredentials _credentials = null!;

    [OneTimeSetUp]
    public void CreatePki()
    {
        _pki = new TestPki();
        _credentials = _pki.Issue();
    }

    [OneTimeTearDown]
    public void DisposePki() => _pki.Dispose();

    [Test]
    public async Task OneGibibyteFileOverTls_Arrives_WhileTheDaemonsPeakMemoryStaysFarBelowTheFileSize()
    {
        using var root = new TempTree();
        TestFiles.Sparse(Path.Combine(root.Root, "huge.bin"), OneGibibyte);
        TestFiles.Sparse(Path.Combine(root.Root, "warm.bin"), 4 * TestFiles.MiB);
        await using var daemon = DaemonProcess.Start(["--bind", "127.0.0.1", "--port", "0", "--root", root.Root,
            "--tls-certificate", _credentials.CertificatePath, "--tls-key", _credentials.KeyPath]);
        int port = await daemon.WaitUntilListeningAsync();
        await using var client = await WssClient.ConnectAsync(port, _pki);
        // A first transfer settles the JIT, the thread pool and the buffer pools before the baseline.
        await client.SendTextAsync("REQUEST warm.bin");
        Assert.That((await client.ReceiveDigestAsync(TimeSpan.FromMinutes(1))).Length, Is.EqualTo(4 * TestFiles.MiB));
        long peakBefore = daemon.PeakResidentBytes();

        await client.SendTextAsync("REQUEST huge.bin");
        var (_, length, sha256) = await client.ReceiveDigestAsync(TimeSpan.FromMinutes(5));
        long peakAfter = daemon.PeakResidentBytes();

        Assert.That((length, sha256), Is.EqualTo((OneGibibyte, ZerosSha256(OneGibibyte))));
        TestContext.Out.WriteLine($"1 GiB over TLS: daemon peak RSS {peakBefore / TestFiles.MiB} MiB before, {peakAfter / TestFiles.MiB} MiB after");
        Assert.That(peakAfter - peakBefore, Is.LessThan(64 * TestFiles.MiB), "the daemon's peak memory must not grow with the file");
    }

    [Test]
    public async Task SlowButSteadyTlsReader_IsNotDroppedBySendTimeout()
    {
        // As over plain TCP (SendTimeoutTests): at 256 KiB/s a writer blocked on a full send buffer waits longer
        // than send-timeout for the kernel to wake it, though bytes move all the time. Under TLS the socket
        // is still there, and its TCP_INFO shows the movement.
        await using var gateway = await StartTlsAsync(TimeSpan.FromSeconds(3));
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "big.bin"), FileSize);
        await using var client = await WssClient.ConnectWithReceiveBufferAsync(gateway.Port, _pki, 32 * 1024);
        await client.SendTextAsync("REQUEST big.bin");

        var piece = new byte[32 * 1024];
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (int i = 0; i < 48; i++)
        {
            var result = await client.Socket.ReceiveAsync(piece, bound.Token);
            Assert.That(result.MessageType, Is.EqualTo(System.Net.WebSockets.WebSocketMessageType.Binary), "the transfer goes on");
            await Task.Delay(125);
        }
        Assert.That(gateway.Gateway.SessionCount, Is.EqualTo(1), "a transfer that keeps making progress is not a stalled one");
        Assert.That(gateway.Gateway.Metrics.OpenFiles, Is.EqualTo(1));
    }

    [Test]
    public async Task TlsClientThatStopsReading_IsDroppedAfterTheSendTimeout_AndTheFileIsClosed()
    {
        await using var gateway = await StartTlsAsync(TimeSpan.FromSeconds(2));
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "big.bin"), FileSize);
        await using var client = await WssClient.ConnectWithReceiveBufferAsync(gateway.Port, _pki, 32 * 1024);
        await client.SendTextAsync("REQUEST big.bin");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.Socket.ReceiveAsync(new byte[1024], bound.Token);

        // The client reads nothing from here on.
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.SessionCount == 0, TimeSpan.FromSeconds(30)), Is.True,
                    "the stalled connection is dropped");
        Assert.That(gateway.Gateway.Metrics.OpenFiles, Is.EqualTo(0), "the file is closed");
    }

    private Task<GatewayHarness> StartTlsAsync(TimeSpan sendTimeout) =>
        GatewayHarness.StartAsync(o => o with
        {
            SendTimeout = sendTimeout,
            TlsCertificate = _credentials.CertificatePath,
            TlsKey = _credentials.KeyPath,
        });

    private static string ZerosSha256(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var zeros = new byte[TestFiles.MiB];
        for (long done = 0; done < length; done += zeros.Length) hash.AppendData(zeros, 0, (int)Math.Min(zeros.Length, length - done));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
