using System.Net.Sockets;
using System.Text;
using Websocketfy.Daemon.Files;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>
/// FileTree's two routes to a file: the quick one (openat2 with RESOLVE_BENEATH below the real root,
/// tried first) and the careful one (realpath, containment check, look, open), which is all there is
/// where openat2 is not available. For every kind of path both must give the same answer: the same file,
/// or the same refusal with the same log detail. The quick route must be the one that serves ordinary
/// files, and the careful one what the quick one leaves to it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FileTreeRoutesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly bool RunningAsRoot = Environment.UserName == "root";

    /// <summary>Which route is to open the file, or that both must refuse it.</summary>
    public enum Route { Quick, Careful, Refused }

    /// <summary>One path through both routes: the route expected to serve it and the text of the file
    /// (its content), or the refusal and its exact log detail.</summary>
    public sealed record PathCase(string Name, string[] Segments, Route Expected, string? Content,
                                  FileRefusal Refusal = FileRefusal.None, string? Detail = null)
    {
        public override string ToString() => Name;
    }

    private TempTree _tree = null!;
    private string _root = null!;
    private Socket? _socket;

    /// <summary>One tree holding every case: Base/pacs is served; Base/outside and Base/pacs-private are
    /// where no symlink may lead.</summary>
    [SetUp]
    public void CreateTree()
    {
        _tree = new TempTree();
        _root = _tree.Dir("pacs");
        _tree.Write("pacs/top.dcm", "top");
        _tree.Write("pacs/a/b/c/d/e/f.dcm", "deep");
        _tree.Write("pacs/study/real.dcm", "real");
        _tree.Write("pacs/patiënt/bild-ü.dcm", "umlaut");
        _tree.Link("pacs/alias.dcm", "study/real.dcm");
        _tree.Link("pacs/latest", "study");
        _tree.Link("pacs/study/sub/up.dcm", "../real.dcm");
        _tree.Link("pacs/hop", "study/sub/hop2");
        _tree.Link("pacs/study/sub/hop2", "../../top.dcm");
        _tree.Link("pacs/absolute.dcm", _tree.PathOf("pacs/study/real.dcm"));
        _tree.Link("pacs/roundabout.dcm", "../pacs/top.dcm");

        _tree.Write("outside/secret.txt", "secret");
        _tree.Write("pacs-private/secret.dcm", "secret");
        _tree.Link("pacs/escape-relative.txt", "../outside/secret.txt");
        _tree.Link("pacs/escape-absolute.txt", _tree.PathOf("outside/secret.txt"));
        _tree.Link("pacs/outdir", _tree.PathOf("outside"));
        _tree.Link("pacs/private", "../pacs-private");
        _tree.Link("pacs/null", "/dev/null");

        _tree.Link("pacs/dangling", "nowhere");
        _tree.Link("pacs/loop1", "loop2");
        _tree.Link("pacs/loop2", "loop1");
        _tree.Fifo("pacs/pipe");
        _tree.Link("pacs/pipe-link", "pipe");
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(_tree.PathOf("pacs/sock")));
        File.SetUnixFileMode(_tree.Write("pacs/locked.dcm", "locked"), UnixFileMode.None);
    }

    [TearDown]
    public void RemoveTree()
    {
        _socket?.Dispose();
        _tree.Dispose();
    }

    private const string Outside = "a symlink leads out of the root";

    public static IEnumerable<TestCaseData> Cases()
    {
        PathCase[] cases =
        [
            new("RegularFile", ["top.dcm"], Route.Quick, "top"),
            new("NestedFile", ["a", "b", "c", "d", "e", "f.dcm"], Route.Quick, "deep"),
            new("NonAsciiNames", ["patiënt", "bild-ü.dcm"], Route.Quick, "umlaut"),
            new("EmptySegmentsSkipped", ["", "study", "", "real.dcm", ""], Route.Quick, "real"),
            new("RelativeSymlinkInsideRoot", ["alias.dcm"], Route.Quick, "real"),
            new("SymlinkedDirectoryInsideRoot", ["latest", "real.dcm"], Route.Quick, "real"),
            new("DotDotSymlinkStayingInside", ["study", "sub", "up.dcm"], Route.Quick, "real"),
            new("ChainOfDotDotSymlinksStayingInside", ["hop"], Route.Quick, "top"),
            // RESOLVE_BENEATH refuses every absolute symlink and every ".." above the root, even on a way
            // back in: the careful route serves these.
            new("AbsoluteSymlinkInsideRoot", ["absolute.dcm"], Route.Careful, "real"),
            new("SymlinkClimbingOutAndBackIn", ["roundabout.dcm"], Route.Careful, "top"),
            new("RelativeSymlinkEscaping", ["escape-relative.txt"], Route.Refused, null, FileRefusal.OutsideRoot, Outside),
            new("AbsoluteSymlinkEscaping", ["escape-absolute.txt"], Route.Refused, null, FileRefusal.OutsideRoot, Outside),
            new("SymlinkedDirectoryEscaping", ["outdir", "secret.txt"], Route.Refused, null, FileRefusal.OutsideRoot, Outside),
            new("SiblingWithTheRootAsPrefix", ["private", "secret.dcm"], Route.Refused, null, FileRefusal.OutsideRoot, Outside),
            new("SymlinkToADeviceOutside", ["null"], Route.Refused, null, FileRefusal.OutsideRoot, Outside),
            new("MissingFile", ["nope.dcm"], Route.Refused, null, FileRefusal.NotFound, "realpath: ENOENT"),
            new("DanglingSymlink", ["dangling"], Route.Refused, null, FileRefusal.NotFound, "realpath: ENOENT"),
            new("FileUsedAsADirectory", ["top.dcm", "inner"], Route.Refused, null, FileRefusal.NotFound, "realpath: ENOTDIR"),
            new("SymlinkLoop", ["loop1"], Route.Refused, null, FileRefusal.NotFound, "realpath: ELOOP"),
            new("Directory", ["study"], Route.Refused, null, FileRefusal.Directory, "a directory"),
            new("SymlinkToADirectory", ["latest"], Route.Refused, null, FileRefusal.Directory, "a directory"),
            new("NoSegments", [], Route.Refused, null, FileRefusal.Directory, "a directory"),
            new("OnlyEmptySegments", ["", ""], Route.Refused, null, FileRefusal.Directory, "a directory"),
            new("Fifo", ["pipe"], Route.Refused, null, FileRefusal.NotRegularFile, "not a regular file"),
            new("SymlinkToAFifo", ["pipe-link"], Route.Refused, null, FileRefusal.NotRegularFile, "not a regular file"),
            new("UnixSocket", ["sock"], Route.Refused, null, FileRefusal.NotRegularFile, "not a regular file"),
            // Permissions do not bind root (CAP_DAC_OVERRIDE): then the file is served, by the quick route.
            RunningAsRoot
                ? new("UnreadableFile", ["locked.dcm"], Route.Quick, "locked")
                : new("UnreadableFile", ["locked.dcm"], Route.Refused, null, FileRefusal.Unreadable, "open: EACCES"),
            new("DotDotSegment", [".."], Route.Refused, null, FileRefusal.OutsideRoot, "a segment breaks the lexical rules"),
            new("PathLongerThanPathMax", Enumerable.Repeat(new string('x', 200), 30).ToArray(), Route.Refused, null,
                FileRefusal.NotFound, $"path longer than {4096 - 1} bytes"),
        ];
        return cases.Select(c => new TestCaseData(c).SetName($"BothRoutes_Agree_{c.Name}"));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task BothRoutesGiveTheSameAnswer(PathCase path)
    {
        var tree = new FileTree(_root);
        // Off the test thread, so that a route that blocks (on the fifo) fails the test instead of hanging the run.
        Answer quick = await Task.Run(() => Answer.Of(tree, path.Segments, beneathRootFirst: true)).WaitAsync(Patience);
        Answer careful = await Task.Run(() => Answer.Of(tree, path.Segments, beneathRootFirst: false)).WaitAsync(Patience);

        Assert.That(careful.OpenedBeneathRoot, Is.False, "the careful route alone was asked");
        Assert.That(quick.Refusal, Is.EqualTo(careful.Refusal), "the same refusal by both routes");
        Assert.That(quick.Detail, Is.EqualTo(careful.Detail), "the same log detail by both routes");
        Assert.That(quick.Identity, Is.EqualTo(careful.Identity), "the same file (device and inode) by both routes");
        Assert.That(quick.Content, Is.EqualTo(careful.Content), "the same bytes by both routes");

        Assert.That((quick.Content, quick.Refusal, quick.Detail), Is.EqualTo((path.Content, path.Refusal, path.Detail)));
        // Where openat2 cannot be called (an old kernel, a seccomp filter), the careful route serves everything.
        bool quickExpected = path.Expected == Route.Quick && BeneathRoot.Available;
        Assert.That(quick.OpenedBeneathRoot, Is.EqualTo(quickExpected), quickExpected ? "served by the quick route" : "left to the careful route");
    }

    [Test]
    public void CharacterDevice_IsRefusedAlikeByBothRoutes()
    {
        // /dev as the root: a real device below the root without needing mknod.
        var tree = new FileTree("/dev");
        Answer quick = Answer.Of(tree, ["null"], beneathRootFirst: true);
        Answer careful = Answer.Of(tree, ["null"], beneathRootFirst: false);
        Assert.That((quick.Refusal, quick.Detail, quick.OpenedBeneathRoot),
                    Is.EqualTo((FileRefusal.NotRegularFile, "not a regular file", false)));
        Assert.That((careful.Refusal, careful.Detail), Is.EqualTo((quick.Refusal, quick.Detail)));
    }

    [Test]
    public void RootSymlinkPointedElsewhereWhileRunning_BothRoutesServeTheDirectoryItLedToWhenTheTreeWasBuilt()
    {
        _tree.Write("v1/image.dcm", "v1");
        _tree.Write("v2/image.dcm", "v2");
        _tree.Write("v2/only-in-v2.dcm", "new");
        string current = _tree.Link("current", _tree.PathOf("v1"));
        var tree = new FileTree(current);

        File.Delete(current);
        File.CreateSymbolicLink(current, _tree.PathOf("v2"));

        foreach (bool beneathRootFirst in new[] { true, false })
        {
            Answer served = Answer.Of(tree, ["image.dcm"], beneathRootFirst);
            Assert.That((served.Content, served.Refusal), Is.EqualTo(("v1", FileRefusal.None)), $"beneathRootFirst {beneathRootFirst}");
            Answer missing = Answer.Of(tree, ["only-in-v2.dcm"], beneathRootFirst);
            Assert.That((missing.Refusal, missing.Detail), Is.EqualTo((FileRefusal.NotFound, "realpath: ENOENT")), $"beneathRootFirst {beneathRootFirst}");
        }
        Assert.That(new FileTree(current).RealRoot, Does.EndWith("/v2"), "a tree built again (a reload) follows the link");
    }

    [Test]
    public void RealRootTurnedIntoASymlinkWhileRunning_IsRefusedByBothRoutes()
    {
        // The real root's own path must not pass through a symlink: the careful route finds the file
        // outside the real root, and the quick route must not follow the link to serve it.
        var tree = new FileTree(_root);
        Directory.Move(_root, _tree.PathOf("moved"));
        Directory.CreateSymbolicLink(_root, _tree.PathOf("moved"));

        Answer quick = Answer.Of(tree, ["top.dcm"], beneathRootFirst: true);
        Answer careful = Answer.Of(tree, ["top.dcm"], beneathRootFirst: false);
        Assert.That((quick.Refusal, quick.Detail, quick.OpenedBeneathRoot), Is.EqualTo((FileRefusal.OutsideRoot, Outside, false)));
        Assert.That((careful.Refusal, careful.Detail), Is.EqualTo((quick.Refusal, quick.Detail)));
    }

    [Test]
    public void Openat2_IsFoundAvailable_OnAKernelThatHasIt_WithoutASeccompFilter()
    {
        // The probe asks with a struct size the kernel refuses (EINVAL) before anything else. Without a
        // seccomp filter that could say otherwise, its answer is the kernel's version: openat2 came with 5.6.
        string? seccomp = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Seccomp:", StringComparison.Ordinal));
        Assume.That(seccomp?.Split(':')[1].Trim(), Is.EqualTo("0"), "a seccomp filter may refuse openat2, whatever the kernel");
        Assert.That(BeneathRoot.Available, Is.EqualTo(Environment.OSVersion.Version >= new Version(5, 6)));
    }

    /// <summary>What one route made of a path: the file's identity and text, or the refusal and detail.</summary>
    private sealed record Answer(FileIdentity? Identity, string? Content, FileRefusal Refusal, string? Detail, bool OpenedBeneathRoot)
    {
        public static Answer Of(FileTree tree, string[] segments, bool beneathRootFirst)
        {
            using OpenedFile? file = tree.TryOpen(segments, beneathRootFirst, out FileRefusal refusal, out string? detail, out bool beneathRoot);
            if (file is null) return new Answer(null, null, refusal, detail, beneathRoot);
            byte[] bytes = new byte[file.Length];
            Assert.That(RandomAccess.Read(file.Handle, bytes, 0), Is.EqualTo(bytes.Length));
            return new Answer(FileIdentity.OfDescriptor((int)file.Handle.DangerousGetHandle()), Encoding.UTF8.GetString(bytes),
                              refusal, detail, beneathRoot);
        }
    }
}
