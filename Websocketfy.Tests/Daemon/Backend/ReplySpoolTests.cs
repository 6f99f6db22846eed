using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Backend;

/// <summary>The spool between SiREN's speed and the client's: order kept across memory and file,
/// the end known together with the last bytes, failures not drained, the file removed.</summary>
[TestFixture]
public sealed class ReplySpoolTests
{
    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<byte[]> DrainAsync(ReplySpool spool, int pieceSize)
    {
        var all = new MemoryStream();
        var piece = new byte[pieceSize];
        int n;
        while ((n = await spool.ReadAsync(piece, CancellationToken.None)) > 0) all.Write(piece, 0, n);
        return all.ToArray();
    }

    [Test]
    public async Task BytesPastTheMemoryLimit_GoToAFile_AndComeBackInOrder()
    {
        var metrics = new Metrics();
        using var spool = new ReplySpool(memoryLimit: 1000, Path.GetTempPath(), metrics);
        byte[][] reads = [Bytes(600, 1), Bytes(600, 2), Bytes(5000, 3), Bytes(10, 4)];
        for (int i = 0; i < reads.Length; i++) spool.Append(reads[i], final: i == reads.Length - 1);

        Assert.That(spool.SpilledToDisk, Is.True);
        Assert.That(metrics.OpenSpoolFiles, Is.EqualTo(1));
        Assert.That(await DrainAsync(spool, 333), Is.EqualTo(reads.SelectMany(r => r).ToArray()));
        Assert.That(spool.IsComplete, Is.True);
        spool.Dispose();
        Assert.That(metrics.OpenSpoolFiles, Is.EqualTo(0));
    }

    [Test]
    public async Task ReaderWaits_UntilTheWriterAppends()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        var reading = DrainAsync(spool, 64);
        await Task.Delay(50);
        Assert.That(reading.IsCompleted, Is.False);
        spool.Append("abc"u8, final: false);
        spool.Append("def"u8, final: true);
        Assert.That(await reading.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo("abcdef"u8.ToArray()));
    }

    [Test]
    public async Task WaitingReader_WhoseTokenIsCancelled_StopsWaiting()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        using var clientGone = new CancellationTokenSource();
        var reading = spool.ReadAsync(new byte[64], clientGone.Token).AsTask();
        Assert.That(reading.IsCompleted, Is.False, "nothing appended: the reader waits");
        clientGone.Cancel();
        Assert.That(async () => await reading.WaitAsync(TimeSpan.FromSeconds(30)), Throws.InstanceOf<OperationCanceledException>());
        // The spool is still sound for what comes after (the relay appends and completes it).
        spool.Append("late"u8, final: true);
        Assert.That(await spool.ReadAsync(new byte[64], CancellationToken.None), Is.EqualTo(4));
    }

    [Test]
    public async Task ReaderWaitingAgainAndAgain_GetsEveryPieceInOrder()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        using var token = new CancellationTokenSource();
        var piece = new byte[16];
        for (int i = 0; i < 1000; i++)
        {
            var reading = spool.ReadAsync(piece, token.Token).AsTask();
            Assert.That(reading.IsCompleted, Is.False, $"wait {i}: nothing unread, the reader waits");
            spool.Append(BitConverter.GetBytes(i), final: false);
            Assert.That(await reading.WaitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(4));
            Assert.That(BitConverter.ToInt32(piece), Is.EqualTo(i));
        }
    }

    [Test]
    public async Task LastBytesAndTheEnd_AreSeenTogether()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        spool.Append("whole reply"u8, final: true);
        var piece = new byte[64];
        int n = await spool.ReadAsync(piece, CancellationToken.None);
        Assert.That(n, Is.EqualTo(11));
        Assert.That(spool.IsComplete, Is.True, "the reader must know these were the last bytes, to send them with FIN");
    }

    [Test]
    public async Task BytesBeforeADrop_AreStillRead_ThenTheFailureShows()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        spool.Append("partial"u8, final: false);
        spool.Fail(ReplyFailure.ClosedEarly);
        Assert.That(await DrainAsync(spool, 64), Is.EqualTo("partial"u8.ToArray()));
        Assert.That(spool.Failure, Is.EqualTo(ReplyFailure.ClosedEarly));
        Assert.That(spool.IsComplete, Is.False);
    }

    [Test]
    public async Task TooLargeReply_IsNotDrained()
    {
        using var spool = new ReplySpool(1 << 20, Path.GetTempPath(), new Metrics());
        spool.Append("partial"u8, final: false);
        spool.Fail(ReplyFailure.TooLarge);
        Assert.That(await spool.ReadAsync(new byte[64], CancellationToken.None), Is.EqualTo(0));
    }
}
