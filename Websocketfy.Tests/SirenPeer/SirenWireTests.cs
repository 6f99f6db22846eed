using System.Text;
using Websocketfy.SirenDemo.Network;
using Websocketfy.SirenDemo.Protocol;

namespace Websocketfy.Tests.SirenPeer;

public sealed class SirenWireTests
{
    [Test]
    public void AsciiBody_IsSentWhole()
    {
        Assert.That(SirenWire.EncodeBody("v\nx, y\n"), Is.EqualTo("v\nx, y\n"u8.ToArray()));
    }

    [Test]
    public void NonAsciiBody_LosesAsManyBytesAsItHasMoreBytesThanUtf16Units()
    {
        // "v, w\ncafé, ok\n": 14 UTF-16 units, 15 UTF-8 bytes → the final "\n" is not sent.
        Assert.That(SirenWire.EncodeBody("v, w\ncafé, ok\n"), Is.EqualTo("v, w\ncafé, ok"u8.ToArray()));
    }

    [Test]
    public void SurrogatePair_CountsTwoUnitsForFourBytes()
    {
        // "😀\n": 3 UTF-16 units, 5 UTF-8 bytes (F0 9F 98 80 0A) → 3 bytes: F0 9F 98.
        Assert.That(SirenWire.EncodeBody("😀\n"), Is.EqualTo(new byte[] { 0xF0, 0x9F, 0x98 }));
    }

    [Test]
    public void Reply_WritesBodyAndPromptAsTwoSeparateWrites()
    {
        var sink = new RecordingSink();
        ReplyWriter.Write(sink, SirenReply.WithBody("1\n1\n"));
        Assert.That(sink.Writes, Is.EqualTo(new[] { "1\n1\n", "Siren::SQL> " }));
    }

    [Test]
    public void ReplyWithoutBody_IsThePromptAlone()
    {
        var sink = new RecordingSink();
        ReplyWriter.Write(sink, SirenReply.PromptOnly);
        Assert.That(sink.Writes, Is.EqualTo(new[] { "Siren::SQL> " }));
    }

    [Test]
    public void BlankCommandReply_IsANewlineWithoutPrompt()
    {
        var sink = new RecordingSink();
        ReplyWriter.Write(sink, SirenReply.BareNewline);
        Assert.That(sink.Writes, Is.EqualTo(new[] { "\n" }));
    }

    [Test]
    public void FailedReply_ListsItsErrorLinesUnderTheHeadline()
    {
        Assert.That(SirenReply.Failed("[3] one.", "[3] two").Body, Is.EqualTo("Command failed.\n[3] one.\n[3] two\n"));
    }

    private sealed class RecordingSink : IReplySink
    {
        public List<string> Writes { get; } = [];

        public void Send(ReadOnlySpan<byte> bytes) => Writes.Add(Encoding.UTF8.GetString(bytes));
    }
}
