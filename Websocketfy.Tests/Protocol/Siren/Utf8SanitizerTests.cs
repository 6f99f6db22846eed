using System.Text;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Tests.Protocol.Siren;

public class Utf8SanitizerTests
{
    /// <summary>What .NET's own decoder makes of the whole stream: the behaviour to match.</summary>
    private static byte[] DotNetRepair(byte[] bytes) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes));

    private static byte[] Sanitize(Utf8Sanitizer sanitizer, IReadOnlyList<byte[]> chunks, bool finalFlag = true)
    {
        var result = new MemoryStream();
        for (int i = 0; i < chunks.Count; i++)
        {
            byte[] output = new byte[Utf8Sanitizer.MaxOutputLength(chunks[i].Length)];
            int written = sanitizer.Convert(chunks[i], output, final: finalFlag && i == chunks.Count - 1);
            result.Write(output, 0, written);
        }

        return result.ToArray();
    }

    private static byte[] Sanitize(params byte[][] chunks) => Sanitize(new Utf8Sanitizer(), chunks);

    [Test]
    public void ValidText_PassesUnchanged()
    {
        // ASCII, 2-byte é, 3-byte €, 4-byte 😀
        byte[] text = Encoding.UTF8.GetBytes("v, w\ncaf\u00E9 \u20AC \U0001F600, ok");

        Assert.That(Sanitize(text), Is.EqualTo(text));
    }

    [Test]
    public void InvalidByte_BecomesOneReplacement()
    {
        // 'a' 0xFF 'b' -> 'a' EF BF BD 'b'
        Assert.That(Sanitize([0x61, 0xFF, 0x62]), Is.EqualTo(new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0x62 }));
    }

    [Test]
    public void TruncatedSequenceAtTheEnd_BecomesOneReplacement()
    {
        // F0 9F 98 is the first three bytes of a 4-byte sequence: one maximal subpart, one U+FFFD
        Assert.That(Sanitize([0xF0, 0x9F, 0x98]), Is.EqualTo(new byte[] { 0xEF, 0xBF, 0xBD }));
    }

    [Test]
    public void SurrogateEncoding_BecomesOneReplacementPerByte()
    {
        // ED A0 80 (U+D800): ED cannot be followed by A0, so each byte is its own maximal subpart
        Assert.That(Sanitize([0xED, 0xA0, 0x80]), Is.EqualTo(DotNetRepair([0xED, 0xA0, 0x80])).And.Length.EqualTo(9));
    }

    [Test]
    public void OverlongSlash_BecomesTwoReplacements()
    {
        // C0 AF: C0 is never valid, AF is a stray continuation
        Assert.That(Sanitize([0xC0, 0xAF]), Is.EqualTo(new byte[] { 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD }));
    }

    [Test]
    public void SequenceSplitAcrossCalls_IsCarriedAndPassesUnchanged()
    {
        // "caf" C3 | A9: é split between two reads
        Assert.That(Sanitize([0x63, 0x61, 0x66, 0xC3], [0xA9]), Is.EqualTo(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }));
    }

    [Test]
    public void FourByteSequenceInOneByteCalls_PassesUnchanged()
    {
        // F0 | 9F | 98 | 80 (U+1F600) one byte per call
        Assert.That(Sanitize([0xF0], [0x9F], [0x98], [0x80]), Is.EqualTo(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }));
    }

    [Test]
    public void CarriedPrefixBrokenByTheNextCall_BecomesOneReplacementAndKeepsTheNextByte()
    {
        // F0 9F | 41: the carried prefix is one maximal subpart; 'A' is kept
        Assert.That(Sanitize([0xF0, 0x9F], [0x41]), Is.EqualTo(new byte[] { 0xEF, 0xBF, 0xBD, 0x41 }));
    }

    [Test]
    public void IncompleteSequence_IsNotWrittenUntilItsEndArrives()
    {
        var sanitizer = new Utf8Sanitizer();
        byte[] output = new byte[Utf8Sanitizer.MaxOutputLength(2)];

        // 'a' E2 (start of a 3-byte sequence), not final
        int written = sanitizer.Convert([0x61, 0xE2], output, final: false);

        Assert.That(written, Is.EqualTo(1));
    }

    [Test]
    public void FinalCallWithNoInput_FlushesTheCarryAsOneReplacement()
    {
        // E2 82 (not final), then nothing (final)
        Assert.That(Sanitize([0xE2, 0x82], []), Is.EqualTo(new byte[] { 0xEF, 0xBF, 0xBD }));
    }

    [Test]
    public void Reset_DropsTheCarry()
    {
        var sanitizer = new Utf8Sanitizer();
        Sanitize(sanitizer, [[0xC3]], finalFlag: false);
        sanitizer.Reset();

        // A9 alone is a stray continuation once the C3 before it is forgotten
        Assert.That(Sanitize(sanitizer, [[0xA9]]), Is.EqualTo(new byte[] { 0xEF, 0xBF, 0xBD }));
    }

    [Test]
    public void OutputBufferSmallerThanTheWorstCase_IsRejected()
    {
        var sanitizer = new Utf8Sanitizer();

        Assert.That(() => sanitizer.Convert(new byte[10], new byte[Utf8Sanitizer.MaxOutputLength(10) - 1], final: false), Throws.ArgumentException);
    }

    [Test]
    public void WorstCaseInput_FitsMaxOutputLength()
    {
        // F0 9F 98 carried, then 0xFF per byte: every byte becomes three
        var sanitizer = new Utf8Sanitizer();
        Sanitize(sanitizer, [[0xF0, 0x9F, 0x98]], finalFlag: false);
        byte[] input = Enumerable.Repeat((byte)0xFF, 100).ToArray();
        byte[] output = new byte[Utf8Sanitizer.MaxOutputLength(input.Length)];

        Assert.That(sanitizer.Convert(input, output, final: true), Is.EqualTo(303));
    }

    [Test]
    public void RandomStreamsInRandomChunks_MatchDotNetsDecoderOnTheWholeStream()
    {
        var random = new Random(424242);
        for (int run = 0; run < 5000; run++)
        {
            byte[] stream = RandomUtf8ish(random, random.Next(0, 80));
            byte[] expected = DotNetRepair(stream);
            for (int split = 0; split < 4; split++)
            {
                List<byte[]> chunks = RandomChunks(random, stream);
                byte[] actual = Sanitize(new Utf8Sanitizer(), chunks);
                if (!actual.AsSpan().SequenceEqual(expected))
                {
                    Assert.Fail($"stream {Convert.ToHexString(stream)} in chunks {string.Join("|", chunks.Select(Convert.ToHexString))}: " +
                                $"expected {Convert.ToHexString(expected)}, got {Convert.ToHexString(actual)}");
                }
            }
        }
    }

    [Test]
    public void LargeMostlyValidStream_MatchesDotNetsDecoder()
    {
        var random = new Random(99);
        var text = new StringBuilder();
        while (text.Length < 200_000)
        {
            text.Append("row, caf\u00E9, \u20AC, \U0001F600\n");
        }

        byte[] stream = Encoding.UTF8.GetBytes(text.ToString());
        for (int i = 0; i < 20; i++)
        {
            stream[random.Next(stream.Length)] = (byte)random.Next(0x80, 0x100);
        }

        List<byte[]> chunks = [];
        for (int at = 0; at < stream.Length; at += 65536)
        {
            chunks.Add(stream[at..Math.Min(stream.Length, at + 65536)]);
        }

        byte[] actual = Sanitize(new Utf8Sanitizer(), chunks);
        byte[] expected = DotNetRepair(stream);

        // Compared as spans: a collection constraint over 200 KB is needlessly slow.
        Assert.That(actual.AsSpan().SequenceEqual(expected), Is.True,
            $"first difference at {actual.AsSpan().CommonPrefixLength(expected)} of {expected.Length}");
    }

    [Test]
    public void Convert_DoesNotAllocate()
    {
        var sanitizer = new Utf8Sanitizer();
        byte[] input = [.. "caf"u8, 0xC3, 0xA9, 0xFF, 0xE2, 0x82];
        byte[] output = new byte[Utf8Sanitizer.MaxOutputLength(input.Length)];
        sanitizer.Convert(input, output, final: false);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sanitizer.Convert(input, output, final: i % 7 == 0);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    // Pieces chosen to hit every decoder branch: valid sequences of each length, their truncations,
    // stray continuations, bytes never valid, overlongs, surrogates and code points above U+10FFFF.
    private static readonly byte[][] Pieces =
    [
        [0x41], [0x0A], [0x20],
        [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        [0xC3], [0xE2], [0xE2, 0x82], [0xF0], [0xF0, 0x9F], [0xF0, 0x9F, 0x98],
        [0x80], [0xBF], [0xC0], [0xC1], [0xF5], [0xFF], [0xFE],
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0x80], [0xF0, 0x8F, 0x80, 0x80],
        [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x90, 0x80, 0x80],
    ];

    private static byte[] RandomUtf8ish(Random random, int pieces)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < pieces; i++)
        {
            if (random.Next(8) == 0)
            {
                bytes.Add((byte)random.Next(256));
            }
            else
            {
                bytes.AddRange(Pieces[random.Next(Pieces.Length)]);
            }
        }

        return bytes.ToArray();
    }

    private static List<byte[]> RandomChunks(Random random, byte[] stream)
    {
        var chunks = new List<byte[]>();
        int at = 0;
        bool oneByte = random.Next(4) == 0;
        while (at < stream.Length)
        {
            int length = oneByte ? 1 : random.Next(0, Math.Min(12, stream.Length - at) + 1);
            chunks.Add(stream[at..(at + length)]);
            at += length;
        }

        // Sometimes the final flag comes on an empty call after the data.
        if (chunks.Count == 0 || random.Next(3) == 0)
        {
            chunks.Add([]);
        }

        return chunks;
    }
}
