using Websocketfy.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>Whether the file root can still be served, as /healthz asks it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RootWatchTests
{
    [Test]
    public void PresentRoot_HasNoProblem_GoneRootHasOne()
    {
        using var tree = new TempTree();
        string root = tree.Dir("root");
        var watch = new RootWatch(root);
        Assert.That(watch.Problem(), Is.Null);
        Directory.Delete(root);
        Assert.That(watch.Problem(), Does.Contain("does not exist"));
    }

    [Test]
    public void RootNowOnAnotherFileSystem_IsAProblem_AsAnUnmountedShareWouldBe()
    {
        using var tree = new TempTree();
        string local = tree.Dir("local");
        string root = tree.Link("root", local);
        var watch = new RootWatch(root);
        Assert.That(watch.Problem(), Is.Null);

        // /proc is a readable directory on a file system of its own, like a mount point left behind.
        File.Delete(root);
        tree.Link("root", "/proc");
        Assert.That(watch.Problem(), Does.Contain("no longer on the file system it was on at start-up"));

        File.Delete(root);
        tree.Link("root", local);
        Assert.That(watch.Problem(), Is.Null, "back where it was");
    }

    [Test]
    public void AfterFollowingARoot_ItsFileSystemIsTheReference()
    {
        // A reload that put the tree at /proc's side in use: /healthz must not call that an unmount.
        using var tree = new TempTree();
        var watch = new RootWatch(tree.Dir("local"));
        watch.Follow("/proc");
        Assert.That(watch.Problem(), Is.Null);
        string root = tree.Link("root", "/proc");
        watch.Follow(root);
        File.Delete(root);
        tree.Link("root", tree.PathOf("local"));
        Assert.That(watch.Problem(), Does.Contain($"root '{root}' is no longer on the file system"), "the followed root is the one watched");
    }
}
