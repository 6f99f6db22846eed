using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>PROTOCOL.md section 1, file requests, against the running daemon over loopback.</summary>
[TestFixture]
public sealed class FileRequestTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _gateway = await GatewayHarness.StartAsync(populate: files =>
        {
            foreach (int size in new[] { 0, 1, 125, 126, 65535, 65536, 65537, 1024 * 1024 + 3 })
                files.Write($"sizes/{size}.bin", Pattern(size));
            files.Write("study 1/slice 01.dcm", Pattern(300));
            files.Write(".hidden/secret.dcm", Pattern(10));
            files.Write("visible/.secret", Pattern(10));
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    internal static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    [TestCase(0), TestCase(1), TestCase(125), TestCase(126), TestCase(65535), TestCase(65536), TestCase(65537), TestCase(1024 * 1024 + 3)]
    public async Task RequestedFile_ArrivesAsOneBinaryMessageWithIdenticalBytes(int size)
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync($"REQUEST sizes/{size}.bin");
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(SHA256.HashData(reply.Bytes), Is.EqualTo(SHA256.HashData(Pattern(size))));
    }

    [Test]
    public async Task BinaryRequest_IsServedLikeText()
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("REQUEST sizes/126.bin", WebSocketMessageType.Binary);
        Assert.That(reply.Bytes, Is.EqualTo(Pattern(126)));
    }

    [Test]
    public async Task FiftyMebibyteFile_ArrivesIntact()
    {
        const int size = 50 * 1024 * 1024;
        string path = _gateway.Files.Write("big/50MiB.bin", Pattern(size));
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("REQUEST big/50MiB.bin");
        Assert.That(reply.Bytes.Length, Is.EqualTo(size));
        Assert.That(SHA256.HashData(reply.Bytes), Is.EqualTo(SHA256.HashData(File.ReadAllBytes(path))));
    }

    [Test]
    public async Task PathWithInnerSpaces_AndSurroundingWhiteSpace_IsServed()
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("  request \t study 1/slice 01.dcm \n");
        Assert.That(reply.Bytes, Is.EqualTo(Pattern(300)));
    }

    [Test]
    public async Task EmptySegments_AreTolerated()
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("REQUEST sizes//1.bin");
        Assert.That(reply.Bytes, Is.EqualTo(Pattern(1)));
    }

    [TestCase(WebSocketMessageType.Text)]
    [TestCase(WebSocketMessageType.Binary)]
    public async Task RequestWithoutPath_GetsFileNameMissing_WithRequestOpcode(WebSocketMessageType type)
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("REQUEST   ", type);
        Assert.That(reply.Type, Is.EqualTo(type));
        Assert.That(reply.Text, Is.EqualTo("File name is missing!"));
    }

    [TestCase("REQUEST no/such/file.dcm", TestName = "Missing file")]
    [TestCase("REQUEST sizes", TestName = "Directory")]
    [TestCase("REQUEST /etc/passwd", TestName = "Absolute path")]
    [TestCase("REQUEST ../etc/passwd", TestName = "Dot-dot segment")]
    [TestCase("REQUEST sizes/../sizes/1.bin", TestName = "Inner dot-dot segment")]
    [TestCase("REQUEST ./sizes/1.bin", TestName = "Dot segment")]
    [TestCase("REQUEST .hidden/secret.dcm", TestName = "Hidden directory")]
    [TestCase("REQUEST visible/.secret", TestName = "Hidden file")]
    [TestCase("REQUEST sizes\\1.bin", TestName = "Backslash")]
    [TestCase("REQUEST sizes/1.bin\0", TestName = "NUL byte")]
    [TestCase("REQUEST sizes/\u00851.bin", TestName = "C1 control character")]
    [TestCase("REQUEST sizes/1\u0007.bin", TestName = "C0 control character")]
    public async Task UnservablePath_GetsFileNotFound(string command)
    {
        await using var client = await _gateway.ConnectAsync();
        foreach (var type in new[] { WebSocketMessageType.Text, WebSocketMessageType.Binary })
        {
            var reply = await client.RequestAsync(command, type);
            Assert.That(reply.Type, Is.EqualTo(type));
            Assert.That(reply.Text, Is.EqualTo("File not found!"));
        }
    }

    [Test]
    public async Task PathThatIsNotUtf8_GetsFileNotFound()
    {
        await using var client = await _gateway.ConnectAsync();
        byte[] command = [.. "REQUEST sizes/"u8, 0xC3, 0x28, .. ".bin"u8];
        await client.SendAsync(command, WebSocketMessageType.Binary);
        var reply = await client.ReceiveAsync();
        Assert.That(reply.Text, Is.EqualTo("File not found!"));
    }

    [Test]
    public async Task SymlinkOutOfRoot_GetsFileNotFound()
    {
        using var outside = new TempTree();
        string secret = outside.Write("secret.dcm", Pattern(42));
        File.CreateSymbolicLink(Path.Combine(_gateway.Files.Root, "escape.dcm"), secret);
        Directory.CreateSymbolicLink(Path.Combine(_gateway.Files.Root, "escape-dir"), outside.Root);
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST escape.dcm")).Text, Is.EqualTo("File not found!"));
        Assert.That((await client.RequestAsync("REQUEST escape-dir/secret.dcm")).Text, Is.EqualTo("File not found!"));
    }

    [Test]
    public async Task SymlinkInsideRoot_IsServed()
    {
        File.CreateSymbolicLink(Path.Combine(_gateway.Files.Root, "alias.bin"), Path.Combine(_gateway.Files.Root, "sizes", "125.bin"));
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST alias.bin")).Bytes, Is.EqualTo(Pattern(125)));
    }

    [Test]
    public async Task Fifo_GetsFileNotFound_WithoutBlockingTheConnection()
    {
        string fifo = Path.Combine(_gateway.Files.Root, "pipe.dcm");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST pipe.dcm")).Text, Is.EqualTo("File not found!"));
        Assert.That((await client.RequestAsync("REQUEST sizes/1.bin")).Bytes, Is.EqualTo(Pattern(1)));
    }

    [Test]
    public async Task FileRequests_AreCaseInsensitiveInTheKeyword()
    {
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("ReQuEsT sizes/1.bin")).Bytes, Is.EqualTo(Pattern(1)));
    }

    [Test]
    public async Task PipelinedRequests_AreAnsweredInOrder()
    {
        await using var client = await _gateway.ConnectAsync();
        int[] sizes = [65537, 0, 125, 1024 * 1024 + 3, 1];
        foreach (int size in sizes) await client.SendTextAsync($"REQUEST sizes/{size}.bin");
        await client.SendTextAsync("REQUEST nothing-here");
        foreach (int size in sizes)
            Assert.That((await client.ReceiveAsync()).Bytes, Is.EqualTo(Pattern(size)), $"reply for {size}");
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("File not found!"));
    }

    [Test]
    public async Task FileThatShrinksWhileSent_IsNeverDeliveredAsAWrongMessage()
    {
        // A file larger than one sendfile piece is truncated while the client does not read:
        // the daemon must close the connection instead of completing a message of the wrong length.
        string path = _gateway.Files.Write("changing/shrinks.bin", Pattern(64 * 1024 * 1024));
        await using var client = await _gateway.ConnectAsync();
        await client.SendTextAsync("REQUEST changing/shrinks.bin");
        // Truncated only once the daemon has the file open and its length taken, so the frame header says 64 MiB.
        Assert.That(await Wait.UntilAsync(() => _gateway.Gateway.Metrics.OpenFiles == 1), Is.True, "the transfer started");
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(1000);
        Exception? failure = null;
        Received? reply = null;
        try { reply = await client.ReceiveAsync(TimeSpan.FromSeconds(60)); }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { failure = ex; }
        Assert.That(failure is not null || reply!.IsClose, Is.True, "a message was completed although the file changed");
    }

    [Test]
    public async Task ReplyText_IsUtf8OfExactlyTheProtocolStrings()
    {
        await using var client = await _gateway.ConnectAsync();
        var missing = await client.RequestAsync("REQUEST");
        Assert.That(missing.Bytes, Is.EqualTo(Encoding.ASCII.GetBytes("File name is missing!")));
    }
}
