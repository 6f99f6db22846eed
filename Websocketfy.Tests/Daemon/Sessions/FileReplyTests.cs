using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Sessions;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Http;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Sessions;

/// <summary>
/// The copy path of file replies, used when sendfile cannot be (a transport that is not a plain
/// socket, such as TLS): a file larger than one piece goes as a fragmented binary message, and a
/// size change between fragments ends the reply without completing the message.
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
        var sender = new FrameSender(wire, socket: null, encrypted: true, () => TimeSpan.FromSeconds(5), _context.Metrics);

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
        var sender = new FrameSender(wire, socket: null, encrypted: true, () => TimeSpan.FromSeconds(5), _context.Metrics);

        var (outcome, goOn, sent) = await new FileReply(_context, sender, "test").SendAsync("shrinking.bin", Opcode.Binary, CancellationToken.None);

        Assert.That(goOn, Is.False, "the caller must close with 1011");
        Assert.That(sent, Is.Null);
        Assert.That(outcome, Does.Contain("changed"));
        Assert.That(ServerFrames.Parse(wire.ToArray()).Any(f => f.Fin), Is.False, "no frame may complete the message");
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
