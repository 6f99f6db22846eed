using System.Text;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Tests.Protocol.Commands;

public class FileRepliesTests
{
    [Test]
    public void FileNameMissing_IsExactlyTheTextWithoutNewline() =>
        Assert.That(Encoding.ASCII.GetString(FileReplies.FileNameMissing), Is.EqualTo("File name is missing!"));

    [Test]
    public void FileNotFound_IsExactlyTheTextWithoutNewline() =>
        Assert.That(Encoding.ASCII.GetString(FileReplies.FileNotFound), Is.EqualTo("File not found!"));

    [Test]
    public void MissingVerdict_GetsFileNameMissing() =>
        Assert.That(FileReplies.ForRefusal(PathVerdict.Missing).SequenceEqual(FileReplies.FileNameMissing), Is.True);

    [TestCase(PathVerdict.Absolute)]
    [TestCase(PathVerdict.InvalidUtf8)]
    [TestCase(PathVerdict.ForbiddenCharacter)]
    [TestCase(PathVerdict.DotSegment)]
    public void EveryOtherRefusal_GetsTheSameFileNotFound(PathVerdict verdict) =>
        Assert.That(FileReplies.ForRefusal(verdict).SequenceEqual(FileReplies.FileNotFound), Is.True);

    [Test]
    public void AcceptedPath_HasNoErrorReply() =>
        Assert.That(() => FileReplies.ForRefusal(PathVerdict.Ok), Throws.ArgumentException);
}
