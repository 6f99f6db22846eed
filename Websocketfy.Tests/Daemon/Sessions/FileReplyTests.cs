using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Http;
using Websocketfy.Tests.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Sessions;

/// <summary>
/// The two paths of file replies. The copy path, used when sendfile cannot be (a transport that is not a plain
/// socket, such as TLS) and for the smallest files: a file larger than one piece goes as a fragmented binary
/// message, and a size change between fragments ends the reply without completing the message. The sendfile
/// path over a plain socket: one binary frame whose body never passes through the stream, and a file that
/// shrinks meanwhile ends the reply with <see cref="FileChangedException"/> (the session drops TCP).
/// </summary>
[TestFixture]
public sealed class FileReplyTests
{
    private TempTree _tree = null!;
    private SessionContext _context = null!;

    [SetUp]
    public void SetUp()
    {
        _tree = new TempTree();
        var options = new LiveOptions(new GatewayOptions { Root = _tree.Root });
        var metrics = new Metrics();
        var pool = new SirenPool(options.Current, metrics, NullLogger.Instance);
        _context = new SessionContext(options, new FileTree(_tree.Root), new SirenRelay(pool, options, NullLogger.Instance),
                                      pool, metrics, new HandshakePolicy(), new SessionRegistry(), new TrustedProxies(options),
                                      new OperatorEndpoints(metrics, pool, new SirenHealth(), new RootWatch(_tree.Root), new Lifecycle(), options),
                                      new Lifecycle(),
                                      Websocketfy.Daemon.Auth.AccessControl.Create(options.Current, metrics, new Websocketfy.Daemon.Auth.AuthFailureLimiter(TimeProvider.System), TimeProvider.System), null,
                                      TimeProvider.System, NullLoggerFactory.Instance);
    }

    [TearDown]
    public void TearDown()
    {
        _context.Registry.Dispose();
        _context.Pool.Dispose();
        _tree.Dispose();
    }

    [Test]
    public async Task LargeFileWithoutSendfile_IsAFragmentedBinaryMessage_WithTheFileBytes()
    {
        byte[] content = new byte[600_000];
        new Random(7).NextBytes(content);
        _tree.Write("big.bin", content);
        using var wire = new MemoryStream();
        var sender = new FrameSender(wire, socket: null, encrypted: true, () => TimeSpan.FromSeconds(5), _context.Metrics, CancellationToken.None);

        var (_, goOn, sent) = await new FileReply(_context, sender, "test").SendAsync("big.bin", Opcode.Text, CancellationToken.None);

        var frames = ServerFrames.Parse(wire.ToArray());
        Assert.That(goOn, Is.True);
        Assert.That(sent, Is.EqualTo(content.Length));
        Assert.That(frames.Count, Is.GreaterThan(1));
        Assert.That(frames[0].Opcode, Is.EqualTo(0x2), "a file is always a binary message");
        Assert.That(frames.Skip(1).Select(f => f.Opcode), Is.All.EqualTo(0x0));
        Assert.That(frames.Select(f => f.Fin), Is.EqualTo(frames.Select((_, i) => i == frames.Count - 1)));
        Assert.That(frames.SelectMany(f => f.Payload), Is.EqualTo(content));
    }

    [Test]
    public async Task FileThatShrinksBetweenFragments_IsNotCompleted()
    {
        string path = _tree.Write("shrinking.bin", new byte[600_000]);
        using var wire = new TruncateOnFirstWriteStream(path);
        var sender = new FrameSender(wire, socket: null, encrypted: true, () => TimeSpan.FromSeconds(5), _context.Metrics, CancellationToken.None);

        var (outcome, goOn, sent) = await new FileReply(_context, sender, "test").SendAsync("shrinking.bin", Opcode.Binary, CancellationToken.None);

        Assert.That(goOn, Is.False, "the caller must close with 1011");
        Assert.That(sent, Is.Null);
        Assert.That(outcome, Does.Contain("changed"));
        Assert.That(ServerFrames.Parse(wire.ToArray()).Any(f => f.Fin), Is.False, "no frame may complete the message");
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [TestCase(FileReply.SendFileFrom)]   // the smallest file that goes by sendfile
    [TestCase(64 * 1024)]                // exactly 64 KiB (bench W4's files), which was once copied
    [TestCase(3 * 1024 * 1024 + 5)]      // several sendfile pieces
    public async Task FileFromTheSendfileSize_OverAPlainSocket_IsOneFrameSentBySendfile_ByteExact(int size)
    {
        var (content, sent, frames, throughStream) = await SendOverPlainSocketAsync(size);

        Assert.That(sent, Is.EqualTo(size));
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Fin, Is.True);
        Assert.That(frames[0].Opcode, Is.EqualTo(0x2), "a file is always a binary message");
        Assert.That(frames[0].Payload, Is.EqualTo(content));
        Assert.That(throughStream, Is.Zero, "header and body went to the socket directly (corked header, sendfile)");
    }

    [Test]
    public async Task FileBelowTheSendfileSize_OverAPlainSocket_IsCopiedAsOneFrame()
    {
        var (content, sent, frames, throughStream) = await SendOverPlainSocketAsync(FileReply.SendFileFrom - 1);

        Assert.That(sent, Is.EqualTo(content.Length));
        Assert.That(frames, Has.Count.EqualTo(1));
        Assert.That(frames[0].Payload, Is.EqualTo(content));
        Assert.That(throughStream, Is.EqualTo(4 + content.Length), "one write: a 4-byte header and the body");
    }

    /// <summary>Answers a request for a random file of <paramref name="size"/> bytes over a real loopback socket, as a
    /// plain-TCP session does; returns what the client received and how many bytes went through the stream.</summary>
    private async Task<(byte[] Content, long? Sent, List<(bool Fin, int Opcode, byte[] Payload)> Frames, long ThroughStream)>
        SendOverPlainSocketAsync(int size)
    {
        byte[] content = new byte[size];
        new Random(size).NextBytes(content);
        _tree.Write("f.bin", content);
        using var pair = await LoopbackPair.ConnectAsync();
        using var stream = new CountingStream(new NetworkStream(pair.Sender, ownsSocket: false));
        var sender = new FrameSender(stream, pair.Sender, encrypted: false, () => TimeSpan.FromSeconds(30), _context.Metrics, CancellationToken.None);
        Task<byte[]> received = pair.ReceiveBytesAsync();

        var (_, goOn, sent) = await new FileReply(_context, sender, "test").SendAsync("f.bin", Opcode.Text, CancellationToken.None);
        pair.Sender.Shutdown(SocketShutdown.Send);

        Assert.That(goOn, Is.True);
        return (content, sent, ServerFrames.Parse(await received.WaitAsync(Patience)), stream.BytesWritten);
    }

    [Test]
    public async Task FileThatShrinksDuringSendfile_EndsTheReplyWithFileChanged_WithoutCompletingTheFrame()
    {
        // The truncation lands in the middle of the transfer, past the one size check per transfer's pieces.
        const int size = 10 * 1024 * 1024;
        string path = _tree.Write("shrinks.bin", new byte[size]);
        using var pair = await LoopbackPair.ConnectAsync(smallBuffers: true);
        using var stream = new NetworkStream(pair.Sender, ownsSocket: false);
        var sender = new FrameSender(stream, pair.Sender, encrypted: false, () => TimeSpan.FromSeconds(30), _context.Metrics, CancellationToken.None);
        var reply = new FileReply(_context, sender, "test");
        Task sending = Task.Run(() => reply.SendAsync("shrinks.bin", Opcode.Binary, CancellationToken.None));
        Task<(long Count, byte[] Sha256)> draining = await pair.TruncateOnceFlowingAsync(path, 1000, Patience);

        Task finished = await Task.WhenAny(sending, Task.Delay(Patience));
        Assert.That(finished, Is.SameAs(sending), "the reply did not notice the truncation");
        Assert.ThrowsAsync<FileChangedException>(async () => await sending);
        pair.Sender.Dispose(); // what the session does: drop the connection
        Assert.That((await draining.WaitAsync(Patience)).Count, Is.LessThan(10 + size), "the frame must not be completed");
    }

    /// <summary>A stream that counts what is written through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesWritten { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            BytesWritten += count;
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            BytesWritten += buffer.Length;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A wire that truncates the file being sent as soon as the first frame is written.</summary>
    private sealed class TruncateOnFirstWriteStream(string path) : MemoryStream
    {
        private bool _truncated;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_truncated)
            {
                _truncated = true;
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(1000);
            }
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}

/// <summary>Parses unmasked server frames from captured bytes.</summary>
internal static class ServerFrames
{
    public static List<(bool Fin, int Opcode, byte[] Payload)> Parse(byte[] wire)
    {
        var frames = new List<(bool, int, byte[])>();
        int at = 0;
        while (at < wire.Length)
        {
            bool fin = (wire[at] & 0x80) != 0;
            int opcode = wire[at] & 0x0F;
            long length = wire[at + 1] & 0x7F;
            int header = 2;
            if (length == 126) { length = (wire[at + 2] << 8) | wire[at + 3]; header = 4; }
            else if (length == 127) { length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(wire.AsSpan(at + 2)); header = 10; }
            frames.Add((fin, opcode, wire.AsSpan(at + header, (int)length).ToArray()));
            at += header + (int)length;
        }
        return frames;
    }
}
