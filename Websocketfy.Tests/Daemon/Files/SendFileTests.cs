using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SendFileTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private TempTree _tree = null!;

    [SetUp]
    public void CreateTree() => _tree = new TempTree();

    [TearDown]
    public void RemoveTree() => _tree.Dispose();

    private (string Path, byte[] Content) RandomFile(int size)
    {
        byte[] content = new byte[size];
        new Random(size).NextBytes(content);
        return (_tree.Write($"f{size}.bin", content), content);
    }

    private static SafeFileHandle OpenRead(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Read);

    /// <summary>Fails instead of hanging when a send does not finish in time.</summary>
    private static async Task<T> Within<T>(Task<T> task)
    {
        Task finished = await Task.WhenAny(task, Task.Delay(Patience));
        Assert.That(finished, Is.SameAs(task), "the send did not finish in time");
        return await task;
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(65536)]
    [TestCase(10 * 1024 * 1024)]
    public async Task WholeFile_ArrivesByteForByte(int size)
    {
        var (path, content) = RandomFile(size);
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        long sent = await SendFile.SendAsync(pair.Sender, file, 0, size, CancellationToken.None);
        pair.Sender.Shutdown(SocketShutdown.Send);

        var (count, sha) = await Within(received);
        Assert.That(sent, Is.EqualTo(size));
        Assert.That(count, Is.EqualTo(size));
        Assert.That(sha, Is.EqualTo(SHA256.HashData(content)));
    }

    [Test]
    public async Task ByteRange_SendsExactlyThatSlice()
    {
        var (path, content) = RandomFile(100_000);
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        await SendFile.SendAsync(pair.Sender, file, 1000, 5000, CancellationToken.None);
        pair.Sender.Shutdown(SocketShutdown.Send);

        var (count, sha) = await Within(received);
        Assert.That(count, Is.EqualTo(5000));
        Assert.That(sha, Is.EqualTo(SHA256.HashData(content.AsSpan(1000, 5000))));
    }

    [Test]
    public async Task HeaderSentFirst_IsFollowedByTheFileBytes()
    {
        // What the session does: a frame header by an ordinary send, then the payload by sendfile.
        var (path, content) = RandomFile(300_000);
        byte[] header = [0x82, 0x7F, 0, 0, 0, 0, 0, 0x04, 0x93, 0xE0]; // FIN=1 op=binary MASK=0 len=127 -> 64-bit 300000
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        await pair.Sender.SendAsync(header, SocketFlags.None);
        await SendFile.SendAsync(pair.Sender, file, 0, content.Length, CancellationToken.None);
        pair.Sender.Shutdown(SocketShutdown.Send);

        var (count, sha) = await Within(received);
        Assert.That(count, Is.EqualTo(header.Length + content.Length));
        Assert.That(sha, Is.EqualTo(SHA256.HashData([.. header, .. content])));
    }

    [Test]
    public async Task SlowReader_StillGetsEveryByte()
    {
        // Small buffers force many EAGAINs, so most of the file goes through the wait-for-writability path.
        var (path, content) = RandomFile(2 * 1024 * 1024);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true);
        using SafeFileHandle file = OpenRead(path);
        Task<long> sending = Task.Run(() => SendFile.SendAsync(pair.Sender, file, 0, content.Length, CancellationToken.None).AsTask());
        await pair.FirstBytesAsync(Patience);
        await Task.Delay(100); // let the buffers fill before the reader starts

        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();
        await Within(sending);
        pair.Sender.Shutdown(SocketShutdown.Send);

        var (count, sha) = await Within(received);
        Assert.That(count, Is.EqualTo(content.Length));
        Assert.That(sha, Is.EqualTo(SHA256.HashData(content)));
    }

    [Test]
    public async Task FileAlreadyShorterThanTheRange_ThrowsFileChangedAndSendsNothing()
    {
        var (path, _) = RandomFile(1000);
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        var error = Assert.ThrowsAsync<FileChangedException>(
            async () => await SendFile.SendAsync(pair.Sender, file, 0, 2000, CancellationToken.None));
        pair.Sender.Shutdown(SocketShutdown.Send);

        Assert.That(error!.SentBytes, Is.Zero);
        Assert.That(error.ExpectedBytes, Is.EqualTo(2000));
        Assert.That((await Within(received)).Count, Is.Zero);
    }

    [Test]
    public async Task FileTruncatedWhileBeingSent_ThrowsFileChangedAfterAPartialSend()
    {
        // Deterministic: the truncation waits for the first bytes to arrive (so the up-front length
        // check has passed), and the reader does not read until after it, while the small buffers
        // cannot hold 10 MiB: the truncation always lands in the middle of the transfer.
        var (path, _) = RandomFile(10 * 1024 * 1024);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true);
        using SafeFileHandle file = OpenRead(path);
        Task<long> sending = Task.Run(() => SendFile.SendAsync(pair.Sender, file, 0, 10 * 1024 * 1024, CancellationToken.None).AsTask());
        Task<(long Count, byte[] Sha256)> draining = await pair.TruncateOnceFlowingAsync(path, 0, Patience);

        Task finished = await Task.WhenAny(sending, Task.Delay(Patience));
        Assert.That(finished, Is.SameAs(sending), "the send did not notice the truncation");
        var error = Assert.ThrowsAsync<FileChangedException>(async () => await sending);
        Assert.That(error!.SentBytes, Is.GreaterThan(0).And.LessThan(10 * 1024 * 1024));
        pair.Sender.Dispose(); // what the session does: drop the connection
        await Within(draining);
    }

    [Test]
    public async Task Cancellation_StopsASendStalledByTheReader()
    {
        var (path, _) = RandomFile(10 * 1024 * 1024);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true);
        using SafeFileHandle file = OpenRead(path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Task<long> sending = Task.Run(() => SendFile.SendAsync(pair.Sender, file, 0, 10 * 1024 * 1024, cancel.Token).AsTask());

        Task finished = await Task.WhenAny(sending, Task.Delay(Patience));
        Assert.That(finished, Is.SameAs(sending), "cancellation did not stop the send");
        Assert.That(async () => await sending, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task SocketWithABlockingDescriptor_IsStillCancellable()
    {
        // Were sendfile called on a blocking descriptor it would wait in the kernel for the reader,
        // beyond the reach of the token.
        var (path, _) = RandomFile(10 * 1024 * 1024);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true, acceptSynchronously: true);
        using SafeFileHandle file = OpenRead(path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Task<long> sending = Task.Run(() => SendFile.SendAsync(pair.Sender, file, 0, 10 * 1024 * 1024, cancel.Token).AsTask());

        Task finished = await Task.WhenAny(sending, Task.Delay(Patience));
        if (finished != sending)
        {
            pair.Receiver.Dispose(); // reset the connection to free the stuck sendfile, so the run goes on
        }
        Assert.That(finished, Is.SameAs(sending), "sendfile blocked on a blocking descriptor");
        Assert.That(async () => await sending, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(pair.Sender.Blocking, Is.True, "the caller's blocking mode must be left as it was");
    }

    [Test]
    public async Task PeerGone_ThrowsSocketException()
    {
        var (path, _) = RandomFile(10 * 1024 * 1024);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true);
        using SafeFileHandle file = OpenRead(path);
        Task<long> sending = Task.Run(() => SendFile.SendAsync(pair.Sender, file, 0, 10 * 1024 * 1024, CancellationToken.None).AsTask());
        await Task.Delay(100);

        pair.Receiver.LingerState = new LingerOption(true, 0); // close with RST: unread data is discarded
        pair.Receiver.Close();

        Task finished = await Task.WhenAny(sending, Task.Delay(Patience));
        Assert.That(finished, Is.SameAs(sending), "the send did not notice the peer going away");
        Assert.That(async () => await sending, Throws.InstanceOf<SocketException>());
    }

    [Test]
    public async Task AlreadyCancelledToken_SendsNothing()
    {
        var (path, _) = RandomFile(1000);
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        Assert.That(async () => await SendFile.SendAsync(pair.Sender, file, 0, 1000, new CancellationToken(true)),
            Throws.InstanceOf<OperationCanceledException>());
        pair.Sender.Shutdown(SocketShutdown.Send);
        Assert.That((await Within(received)).Count, Is.Zero);
    }

    [Test]
    public async Task NegativeOffsetOrCount_IsRejected()
    {
        var (path, _) = RandomFile(10);
        using var pair = await LoopbackPair.ConnectAsync();
        using SafeFileHandle file = OpenRead(path);
        Assert.That(async () => await SendFile.SendAsync(pair.Sender, file, -1, 5, CancellationToken.None),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(async () => await SendFile.SendAsync(pair.Sender, file, 0, -5, CancellationToken.None),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task FileOpenedByTheFileTree_CanBeSent()
    {
        byte[] content = new byte[123_456];
        new Random(3).NextBytes(content);
        _tree.Write("pacs/study/image.dcm", content);
        using OpenedFile opened = new FileTree(_tree.PathOf("pacs")).TryOpen(["study", "image.dcm"], out _)!;
        using var pair = await LoopbackPair.ConnectAsync();
        Task<(long Count, byte[] Sha256)> received = pair.ReceiveAllAsync();

        await SendFile.SendAsync(pair.Sender, opened.Handle, 0, opened.Length, CancellationToken.None);
        pair.Sender.Shutdown(SocketShutdown.Send);

        Assert.That((await Within(received)).Sha256, Is.EqualTo(SHA256.HashData(content)));
    }
}
