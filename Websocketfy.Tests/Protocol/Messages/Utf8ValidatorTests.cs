using System.Text;
using System.Text.Unicode;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Messages;

public class Utf8ValidatorTests
{
    /// <summary>Whole in one call, or one byte per call (which walks the byte-wise state machine only).</summary>
    public enum Feed { Whole, ByteByByte }

    private static (bool Accepted, bool Complete) Validate(byte[] bytes, Feed feed)
    {
        var validator = new Utf8Validator();
        bool accepted = true;
        if (feed == Feed.Whole)
        {
            accepted = validator.Append(bytes);
        }
        else
        {
            foreach (byte b in bytes)
            {
                accepted &= validator.Append([b]);
            }
        }
        return (accepted, validator.IsComplete);
    }

    [TestCase(new byte[] { })]
    [TestCase(new byte[] { 0x00, 0x41, 0x7F })]                 // ASCII incl. NUL and DEL
    [TestCase(new byte[] { 0xC2, 0x80 })]                       // U+0080, smallest 2-byte
    [TestCase(new byte[] { 0xDF, 0xBF })]                       // U+07FF, largest 2-byte
    [TestCase(new byte[] { 0xE0, 0xA0, 0x80 })]                 // U+0800, smallest 3-byte
    [TestCase(new byte[] { 0xED, 0x9F, 0xBF })]                 // U+D7FF, just below the surrogates
    [TestCase(new byte[] { 0xEE, 0x80, 0x80 })]                 // U+E000, just above the surrogates
    [TestCase(new byte[] { 0xEF, 0xBF, 0xBF })]                 // U+FFFF
    [TestCase(new byte[] { 0xF0, 0x90, 0x80, 0x80 })]           // U+10000, smallest 4-byte
    [TestCase(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]           // U+10FFFF, largest code point
    [TestCase(new byte[] { 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5 })] // "κόσμε"
    public void ValidSequence_IsAcceptedAndComplete(byte[] bytes)
    {
        Assert.That(Validate(bytes, Feed.Whole), Is.EqualTo((true, true)));
        Assert.That(Validate(bytes, Feed.ByteByByte), Is.EqualTo((true, true)));
    }

    [TestCase(new byte[] { 0xC0, 0x80 })]                       // overlong NUL, 2-byte
    [TestCase(new byte[] { 0xC1, 0xBF })]                       // overlong U+007F
    [TestCase(new byte[] { 0xE0, 0x80, 0x80 })]                 // overlong NUL, 3-byte
    [TestCase(new byte[] { 0xE0, 0x9F, 0xBF })]                 // overlong U+07FF
    [TestCase(new byte[] { 0xF0, 0x80, 0x80, 0x80 })]           // overlong NUL, 4-byte
    [TestCase(new byte[] { 0xF0, 0x8F, 0xBF, 0xBF })]           // overlong U+FFFF
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]                 // U+D800, high surrogate
    [TestCase(new byte[] { 0xED, 0xBF, 0xBF })]                 // U+DFFF, low surrogate
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]           // U+110000, above the last code point
    [TestCase(new byte[] { 0xF5, 0x80, 0x80, 0x80 })]           // lead byte beyond F4
    [TestCase(new byte[] { 0xFF })]
    [TestCase(new byte[] { 0x80 })]                             // continuation without a lead
    [TestCase(new byte[] { 0x41, 0xBF, 0x41 })]                 // stray continuation between ASCII
    [TestCase(new byte[] { 0xC2, 0x41 })]                       // lead cut short by ASCII
    [TestCase(new byte[] { 0xE2, 0x82, 0xC2, 0xA2 })]           // 3-byte lead cut short by a new lead
    [TestCase(new byte[] { 0xC2, 0xA2, 0xA2 })]                 // one continuation too many
    public void InvalidSequence_IsRejected(byte[] bytes)
    {
        Assert.That(Validate(bytes, Feed.Whole).Accepted, Is.False, "whole");
        Assert.That(Validate(bytes, Feed.ByteByByte).Accepted, Is.False, "byte by byte");
    }

    [TestCase(new byte[] { 0xE0, 0x80 })]                       // no E0 80 xx is valid (overlong)
    [TestCase(new byte[] { 0xED, 0xA0 })]                       // no ED A0 xx is valid (surrogate)
    [TestCase(new byte[] { 0xF0, 0x8F })]                       // no F0 8F xx xx is valid (overlong)
    [TestCase(new byte[] { 0xF4, 0x90 })]                       // no F4 90 xx xx is valid (> U+10FFFF)
    [TestCase(new byte[] { 0xC0 })]                             // C0 never starts valid UTF-8
    [TestCase(new byte[] { 0xF5 })]                             // nor does F5
    public void PrefixThatNoContinuationCanRescue_IsRejectedAtOnce(byte[] prefix)
    {
        Assert.That(Validate(prefix, Feed.Whole).Accepted, Is.False, "whole");
        Assert.That(Validate(prefix, Feed.ByteByByte).Accepted, Is.False, "byte by byte");
    }

    [Test]
    public void RejectionIsFinal_ValidBytesAfterwardsDoNotRevive()
    {
        var validator = new Utf8Validator();
        validator.Append([0xC0]);

        Assert.That(validator.Append("abc"u8), Is.False);
        Assert.That(validator.IsComplete, Is.False);
    }

    [TestCase(new byte[] { 0xC2 })]
    [TestCase(new byte[] { 0xE2, 0x82 })]
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98 })]
    [TestCase(new byte[] { 0x61, 0x62, 0xF4, 0x8F, 0xBF })]
    public void TruncatedSequenceAtEnd_IsAcceptedSoFarButNotComplete(byte[] bytes)
    {
        Assert.That(Validate(bytes, Feed.Whole), Is.EqualTo((true, false)));
        Assert.That(Validate(bytes, Feed.ByteByByte), Is.EqualTo((true, false)));
    }

    [TestCase(new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]           // U+1F600
    [TestCase(new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]           // U+10FFFF
    [TestCase(new byte[] { 0xE2, 0x82, 0xAC })]                 // U+20AC
    public void CodePointSplitAtEveryPositionAcrossThreeChunks_IsValid(byte[] codePoint)
    {
        byte[] text = [0x61, .. codePoint, 0x62];
        for (int first = 0; first <= text.Length; first++)
        {
            for (int second = first; second <= text.Length; second++)
            {
                var validator = new Utf8Validator();
                bool accepted = validator.Append(text.AsSpan(0, first))
                    & validator.Append(text.AsSpan(first, second - first))
                    & validator.Append(text.AsSpan(second));
                Assert.That((accepted, validator.IsComplete), Is.EqualTo((true, true)), $"cuts at {first} and {second}");
            }
        }
    }

    [Test]
    public void Reset_StartsANewMessage()
    {
        var validator = new Utf8Validator();
        validator.Append([0xE2, 0x82]);

        validator.Reset();

        Assert.That(validator.Append([0x41]) && validator.IsComplete, Is.True);
    }

    [Test]
    public void RandomChunkedInput_AgreesWithTheBclValidator()
    {
        // Random mixes of valid text and single random bytes, cut into random chunks: the verdict
        // must match Utf8.IsValid on the whole, at every chunking.
        var random = new Random(7);
        string[] pieces = ["a", "hello ", "é", "€", "😀", "\u0085", "\U0010FFFF", "\uD7FF", "\uE000"];
        for (int round = 0; round < 3000; round++)
        {
            var bytes = new List<byte>();
            int count = random.Next(1, 12);
            for (int i = 0; i < count; i++)
            {
                if (random.Next(8) == 0)
                {
                    bytes.Add((byte)random.Next(256));
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(pieces[random.Next(pieces.Length)]));
                }
            }
            byte[] input = [.. bytes];
            bool expected = Utf8.IsValid(input);

            var validator = new Utf8Validator();
            bool accepted = true;
            for (int at = 0; at < input.Length && accepted;)
            {
                int length = Math.Min(random.Next(0, 6), input.Length - at);
                accepted = validator.Append(input.AsSpan(at, length));
                at += length;
            }

            Assert.That(accepted && validator.IsComplete, Is.EqualTo(expected), Convert.ToHexString(input));
        }
    }
}
