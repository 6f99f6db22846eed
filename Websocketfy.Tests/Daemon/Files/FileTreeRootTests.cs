using Websocketfy.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>Construction: the root is fixed once, with every symlink resolved, or the daemon refuses to start.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FileTreeRootTests
{
    private TempTree _tree = null!;

    [SetUp]
    public void CreateTree() => _tree = new TempTree();

    [TearDown]
    public void RemoveTree() => _tree.Dispose();

    [Test]
    public void MissingRoot_ThrowsDirectoryNotFoundNamingThePath()
    {
        string missing = _tree.PathOf("no-such-root");
        var error = Assert.Throws<DirectoryNotFoundException>(() => new FileTree(missing));
        Assert.That(error!.Message, Does.Contain(missing));
    }

    [Test]
    public void RootThatIsAFile_ThrowsDirectoryNotFoundNamingThePath()
    {
        string file = _tree.Write("plain.txt", "x");
        var error = Assert.Throws<DirectoryNotFoundException>(() => new FileTree(file));
        Assert.That(error!.Message, Does.Contain(file).And.Contain("not a directory"));
    }

    [Test]
    public void RootThatIsADanglingSymlink_ThrowsDirectoryNotFound()
    {
        string link = _tree.Link("dangling", _tree.PathOf("gone"));
        Assert.Throws<DirectoryNotFoundException>(() => new FileTree(link));
    }

    [Test]
    public void UnreadableRoot_ThrowsUnauthorizedAccessNamingThePath()
    {
        // root passes every permission check, so this can only be observed as another user.
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "permissions do not bind root");
        string dir = _tree.Dir("locked");
        File.SetUnixFileMode(dir, UnixFileMode.None);
        var error = Assert.Throws<UnauthorizedAccessException>(() => new FileTree(dir));
        Assert.That(error!.Message, Does.Contain(dir));
    }

    [Test]
    public void RootWithSymlinkedParent_HasEverySymlinkResolved()
    {
        _tree.Dir("real/pacs");
        string viaLinkedParent = Path.Combine(_tree.Link("alias", _tree.PathOf("real")), "pacs");
        Assert.That(new FileTree(viaLinkedParent).RealRoot, Is.EqualTo(new FileTree(_tree.PathOf("real/pacs")).RealRoot));
        Assert.That(new FileTree(viaLinkedParent).RealRoot, Does.Not.Contain("alias"));
    }

    [Test]
    public void RootWithTrailingSlash_HasNoTrailingSlashInRealRoot()
    {
        string dir = _tree.Dir("pacs");
        Assert.That(new FileTree(dir + "/").RealRoot, Does.EndWith("/pacs"));
    }

    [Test]
    public void RelativeRoot_IsResolvedAgainstTheCurrentDirectory()
    {
        Assert.That(new FileTree(".").RealRoot, Is.EqualTo(new FileTree(Directory.GetCurrentDirectory()).RealRoot));
    }

    [Test]
    public void RootContainingNul_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new FileTree("/tmp\0/etc"));
    }
}
