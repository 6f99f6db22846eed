using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Frames;

public class ServerFrameWriterTests
{
    private static byte[] Write(Func<byte[], int> writer)
    {
        byte[] destination = new byte[ServerFrameWriter.MaxControlFrameLength];
        int written = writer(destination);
        return destination[..written];
    }

    [Test]
    public void Pong_EchoesThePingPayloadUnmasked()
    {
        byte[] frame = Write(d => ServerFrameWriter.WritePong(d, "hi"u8));

        // FIN=1 op=pong | MASK=0 len=2 | "hi"
        Assert.That(frame, Is.EqualTo(new byte[] { 0x8A, 0x02, 0x68, 0x69 }));
    }

    [Test]
    public void Ping_WithEmptyPayload_IsTwoBytes()
    {
        byte[] frame = Write(d => ServerFrameWriter.WritePing(d, []));

        // FIN=1 op=ping | MASK=0 len=0
        Assert.That(frame, Is.EqualTo(new byte[] { 0x89, 0x00 }));
    }

    [Test]
    public void Close_CarriesTheStatusBigEndianThenTheReason()
    {
        byte[] frame = Write(d => ServerFrameWriter.WriteClose(d, CloseStatus.MessageTooBig, "big"));

        // FIN=1 op=close | MASK=0 len=5 | status 1009 = 0x03F1 | "big"
        Assert.That(frame, Is.EqualTo(new byte[] { 0x88, 0x05, 0x03, 0xF1, 0x62, 0x69, 0x67 }));
    }

    [Test]
    public void Close_WithALongReason_FillsExactlyTheLargestControlFrame()
    {
        byte[] frame = Write(d => ServerFrameWriter.WriteClose(d, CloseStatus.Normal, new string('x', 300)));

        // FIN=1 op=close | MASK=0 len=125 | status 1000 = 0x03E8 | 123 x 'x'
        Assert.That(frame[..4], Is.EqualTo(new byte[] { 0x88, 0x7D, 0x03, 0xE8 }));
        Assert.That(frame, Has.Length.EqualTo(ServerFrameWriter.MaxControlFrameLength));
    }

    [Test]
    public void EmptyClose_HasNoStatus()
    {
        byte[] frame = Write(d => ServerFrameWriter.WriteEmptyClose(d));

        // FIN=1 op=close | MASK=0 len=0
        Assert.That(frame, Is.EqualTo(new byte[] { 0x88, 0x00 }));
    }

    [Test]
    public void ControlFrame_LongerThan125Bytes_IsRefused()
    {
        byte[] destination = new byte[200];

        Assert.Throws<ArgumentOutOfRangeException>(() => ServerFrameWriter.WritePing(destination, new byte[126]));
    }

    [TestCase(Opcode.Text)]
    [TestCase(Opcode.Binary)]
    [TestCase(Opcode.Continuation)]
    public void ControlFrame_WithADataOpcode_IsRefused(Opcode opcode)
    {
        byte[] destination = new byte[10];

        Assert.Throws<ArgumentOutOfRangeException>(() => ServerFrameWriter.WriteControlFrame(destination, opcode, []));
    }

    [Test]
    public void MessageHeader_IsOneFinFrameWithTheMessageOpcode()
    {
        byte[] header = Write(d => ServerFrameWriter.WriteMessageHeader(d, Opcode.Text, 1000));

        // FIN=1 op=text | MASK=0 len=126 | 16-bit length 1000 = 0x03E8
        Assert.That(header, Is.EqualTo(new byte[] { 0x81, 0x7E, 0x03, 0xE8 }));
    }

    [Test]
    public void MessageHeader_WithAControlOpcode_IsRefused()
    {
        byte[] destination = new byte[10];

        Assert.Throws<ArgumentOutOfRangeException>(() => ServerFrameWriter.WriteMessageHeader(destination, Opcode.Ping, 1));
    }
}
