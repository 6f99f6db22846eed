using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>$JOURNAL_STREAM is "st_dev:st_ino" of the journal's stream; it counts only when it names our stderr.</summary>
public sealed class JournalStreamTests
{
    private static readonly FileIdentity Stream = new(Device: 12, Inode: 3456789);

    [TestCase("12:3456789", ExpectedResult = true)]
    [TestCase("12:3456780", ExpectedResult = false)]
    [TestCase("13:3456789", ExpectedResult = false)]
    [TestCase("", ExpectedResult = false)]
    [TestCase(null, ExpectedResult = false)]
    [TestCase("12", ExpectedResult = false)]
    [TestCase(":3456789", ExpectedResult = false)]
    [TestCase("12:3456789:1", ExpectedResult = false)]
    [TestCase(" 12:3456789", ExpectedResult = false)]
    [TestCase("+12:3456789", ExpectedResult = false)]
    [TestCase("0x0c:3456789", ExpectedResult = false)]
    public bool Variable_MustNameTheStreamExactly(string? variable) => JournalStream.Names(variable, Stream);

    [Test]
    public void NoStream_IsNeverTheJournal() => Assert.That(JournalStream.Names("12:3456789", null), Is.False);

    [TestCase(0u, 14u, ExpectedResult = 14ul)]
    [TestCase(8u, 1u, ExpectedResult = 2049ul)]                 // /dev/sda1
    [TestCase(259u, 3u, ExpectedResult = 66307ul)]              // nvme0n1p3
    [TestCase(0u, 300u, ExpectedResult = 1048620ul)]            // minor above 255
    [TestCase(4096u, 0u, ExpectedResult = 17592186044416ul)]    // major above 4095
    public ulong MakeDevice_IsGlibcsEncoding(uint major, uint minor) => FileIdentity.MakeDevice(major, minor);

    [Test]
    public async Task IdentityOfAFileAndItsOpenDescriptor_MatchWhatStatPrints()
    {
        using var tree = new TempTree();
        string path = tree.Write("x", [1]);
        var stat = await ChildProcess.RunAsync("stat", ["-L", "-c", "%d:%i", path]);
        Assert.That(stat.ExitCode, Is.EqualTo(0), stat.ToString());
        using SafeFileHandle handle = File.OpenHandle(path);
        var ofPath = FileIdentity.OfPath(path)!.Value;
        var ofDescriptor = FileIdentity.OfDescriptor((int)handle.DangerousGetHandle())!.Value;
        Assert.That($"{ofPath.Device}:{ofPath.Inode}", Is.EqualTo(stat.StandardOutput.Trim()));
        Assert.That(ofDescriptor, Is.EqualTo(ofPath));
        Assert.That(JournalStream.Names(stat.StandardOutput.Trim(), ofDescriptor), Is.True);
    }
}
