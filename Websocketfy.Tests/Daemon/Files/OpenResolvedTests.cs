using System.Text;
using Websocketfy.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>The last step of TryOpen, which must hold even if the path changed after it was resolved
/// (TryOpen looks before it opens, so these cases cannot be reached through it deterministically).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class OpenResolvedTests
{
    private TempTree _tree = null!;

    [SetUp]
    public void CreateTree() => _tree = new TempTree();

    [TearDown]
    public void RemoveTree() => _tree.Dispose();

    private static byte[] NulTerminated(string path) => Encoding.UTF8.GetBytes(path + "\0");

    [Test]
    public async Task AFifoSwappedIn_IsRefusedWithoutBlocking()
    {
        string fifo = _tree.Fifo("pipe");
        Task<FileRefusal> attempt = Task.Run(() =>
        {
            FileTree.OpenResolved(NulTerminated(fifo), out FileRefusal refusal, out _)?.Dispose();
            return refusal;
        });
        Task finished = await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(finished, Is.SameAs(attempt), "open blocked on a fifo (O_NONBLOCK missing?)");
        Assert.That(await attempt, Is.EqualTo(FileRefusal.NotRegularFile));
    }

    [Test]
    public void ASymlinkSwappedInAsTheLastSegment_IsNotFollowed()
    {
        string target = _tree.Write("target.txt", "t");
        string link = _tree.Link("link.txt", target);
        Assert.That(FileTree.OpenResolved(NulTerminated(link), out FileRefusal refusal, out string? detail), Is.Null);
        Assert.That(refusal, Is.EqualTo(FileRefusal.NotFound));
        Assert.That(detail, Does.Contain("ELOOP"));
    }

    [Test]
    public void ADirectorySwappedIn_IsRefusedAsDirectory()
    {
        string dir = _tree.Dir("d");
        Assert.That(FileTree.OpenResolved(NulTerminated(dir), out FileRefusal refusal, out _), Is.Null);
        Assert.That(refusal, Is.EqualTo(FileRefusal.Directory));
    }

    [Test]
    public void ARegularFile_OpensWithTheSizeOfTheOpenHandle()
    {
        string path = _tree.Write("f.bin", new byte[1234]);
        using OpenedFile? file = FileTree.OpenResolved(NulTerminated(path), out FileRefusal refusal, out _);
        Assert.That(refusal, Is.EqualTo(FileRefusal.None));
        Assert.That(file!.Length, Is.EqualTo(1234));
    }

    [Test]
    public void APathWithoutItsNul_IsRejectedAsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => FileTree.OpenResolved(Encoding.UTF8.GetBytes("/etc/hostname"), out _, out _));
    }
}
