using System.Text;
using System.Text.Unicode;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

public class CloseStatusTests
{
    [TestCase((ushort)1000)]
    [TestCase((ushort)1001)]
    [TestCase((ushort)1002)]
    [TestCase((ushort)1003)]
    [TestCase((ushort)1007)]
    [TestCase((ushort)1011)]
    [TestCase((ushort)1014)]
    [TestCase((ushort)3000)]
    [TestCase((ushort)4999)]
    public void AssignedOrApplicationStatus_IsValidOnWire(ushort code) =>
        Assert.That(CloseStatus.IsValidOnWire(code), Is.True);

    [TestCase((ushort)0)]
    [TestCase((ushort)999)]
    [TestCase((ushort)1004)]   // reserved
    [TestCase((ushort)1005)]   // "no status", local only
    [TestCase((ushort)1006)]   // "abnormal closure", local only
    [TestCase((ushort)1015)]   // "TLS handshake failure", local only
    [TestCase((ushort)1016)]
    [TestCase((ushort)2999)]
    [TestCase((ushort)5000)]
    [TestCase((ushort)65535)]
    public void ReservedOrUnassignedStatus_IsNotValidOnWire(ushort code) =>
        Assert.That(CloseStatus.IsValidOnWire(code), Is.False);

    [Test]
    public void Payload_IsBigEndianStatusThenReason()
    {
        byte[] destination = new byte[CloseStatus.MaxPayloadLength];

        int written = CloseStatus.WritePayload(destination, CloseStatus.GoingAway, "bye");

        // status 1001 = 0x03E9 | "bye"
        Assert.That(destination[..written], Is.EqualTo(new byte[] { 0x03, 0xE9, 0x62, 0x79, 0x65 }));
    }

    [Test]
    public void EmptyReason_GivesTheStatusAlone()
    {
        byte[] destination = new byte[CloseStatus.MaxPayloadLength];

        int written = CloseStatus.WritePayload(destination, 4000, "");

        // status 4000 = 0x0FA0
        Assert.That(destination[..written], Is.EqualTo(new byte[] { 0x0F, 0xA0 }));
    }

    [Test]
    public void LongAsciiReason_IsCutAt125BytesInTotal()
    {
        byte[] destination = new byte[300];

        int written = CloseStatus.WritePayload(destination, CloseStatus.Normal, new string('r', 200));

        Assert.That(written, Is.EqualTo(125));
        Assert.That(destination[124], Is.EqualTo((byte)'r'));
        Assert.That(destination[125], Is.Zero);
    }

    [TestCase("é", 2, 122)]       // 61 two-byte characters fill 122 of the 123 reason bytes
    [TestCase("€", 3, 123)]       // 41 three-byte characters fill all 123
    [TestCase("😀", 4, 120)]      // 30 four-byte characters: a 31st would need 124
    [TestCase("a😀", 5, 121)]     // 24 pairs end at 120, then "a" fits (121), the emoji (125) does not
    public void LongMultiByteReason_IsCutOnACodePointBoundary(string unit, int unitBytes, int expectedReasonBytes)
    {
        byte[] destination = new byte[CloseStatus.MaxPayloadLength];
        string reason = string.Concat(Enumerable.Repeat(unit, 200 / unitBytes));

        int written = CloseStatus.WritePayload(destination, CloseStatus.Normal, reason);

        byte[] reasonBytes = destination[2..written];
        Assert.That(reasonBytes, Has.Length.EqualTo(expectedReasonBytes));
        Assert.That(Utf8.IsValid(reasonBytes), Is.True);
        Assert.That(reason, Does.StartWith(Encoding.UTF8.GetString(reasonBytes)));
    }

    [Test]
    public void LoneSurrogateInReason_BecomesAReplacementCharacter()
    {
        byte[] destination = new byte[CloseStatus.MaxPayloadLength];

        int written = CloseStatus.WritePayload(destination, CloseStatus.InternalError, "a\uD800b");

        // status 1011 = 0x03F3 | "a" | U+FFFD = EF BF BD | "b"
        Assert.That(destination[..written], Is.EqualTo(new byte[] { 0x03, 0xF3, 0x61, 0xEF, 0xBF, 0xBD, 0x62 }));
    }
}
