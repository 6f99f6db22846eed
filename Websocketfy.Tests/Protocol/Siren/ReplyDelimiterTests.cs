using System.Text;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Tests.Protocol.Siren;

public class ReplyDelimiterTests
{
    private const string Prompt = "Siren::SQL> ";

    private sealed record Outcome(string Body, int CompletedAtRead, int[] Released);

    /// <summary>Feeds the reads in order; stops at the first completion.</summary>
    private static Outcome FeedAll(ReplyDelimiter delimiter, params string[] reads)
    {
        var body = new List<byte>();
        var released = new List<int>();
        for (int i = 0; i < reads.Length; i++)
        {
            byte[] read = Encoding.UTF8.GetBytes(reads[i]);
            byte[] buffer = new byte[read.Length + ReplyDelimiter.MaxHeldBack];
            int count = delimiter.Feed(read, buffer, out bool complete);
            body.AddRange(buffer.AsSpan(0, count).ToArray());
            released.Add(count);
            if (complete)
            {
                return new Outcome(Encoding.UTF8.GetString(body.ToArray()), i, released.ToArray());
            }
        }

        return new Outcome(Encoding.UTF8.GetString(body.ToArray()), -1, released.ToArray());
    }

    private static Outcome FeedAll(params string[] reads) => FeedAll(new ReplyDelimiter(), reads);

    [Test]
    public void PromptAlone_IsACompleteEmptyReply() =>
        Assert.That(FeedAll(Prompt), Is.EqualTo(new Outcome("", 0, [0])).Using<Outcome>(SameOutcome));

    [Test]
    public void BodyAndPromptInOneRead_IsCompleteWithoutThePrompt() =>
        Assert.That(FeedAll("1\n1\n" + Prompt).Body, Is.EqualTo("1\n1\n"));

    [Test]
    public void BodyAndPromptInSeparateReads_CompletesOnThePromptRead()
    {
        // Transcript 15: SiREN writes body and prompt in two writes.
        Outcome outcome = FeedAll("a\n1\n2\n", Prompt);

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("a\n1\n2\n", 1)));
    }

    [Test]
    public void PromptSplitAtEveryPosition_CompletesOnlyOnTheLastRead()
    {
        const string reply = "id, name\n1, one\n" + Prompt;
        for (int split = 1; split < reply.Length; split++)
        {
            Outcome outcome = FeedAll(reply[..split], reply[split..]);
            Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("id, name\n1, one\n", 1)), $"split at {split}");
        }
    }

    [Test]
    public void ReplySplitIntoThreeReadsAtEveryPair_CompletesOnlyOnTheLastRead()
    {
        const string reply = "xSiren::S\n" + Prompt;
        for (int first = 1; first < reply.Length; first++)
        {
            for (int second = first + 1; second < reply.Length; second++)
            {
                Outcome outcome = FeedAll(reply[..first], reply[first..second], reply[second..]);
                Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("xSiren::S\n", 2)), $"splits at {first}, {second}");
            }
        }
    }

    [Test]
    public void PromptTextInsideARead_IsBody()
    {
        // Transcript 15: SELECT 'Siren::SQL> ' AS v answers "v\nSiren::SQL> \n", then the prompt.
        Outcome outcome = FeedAll("v\nSiren::SQL> \n", Prompt);

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("v\nSiren::SQL> \n", 1)));
    }

    [Test]
    public void EarlierPromptInTheFinalRead_IsBody()
    {
        Outcome outcome = FeedAll("v\n" + Prompt + "\n" + Prompt);

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("v\n" + Prompt + "\n", 0)));
    }

    [Test]
    public void PromptTextEndingARead_EndsTheReplyEarly_AsTheProtocolAccepts()
    {
        // PROTOCOL.md section 2: a read boundary right after prompt text in a value ends the reply.
        Outcome outcome = FeedAll("v\n" + Prompt, "\n" + Prompt);

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("v\n", 0)));
    }

    [Test]
    public void TailThatCannotStartThePrompt_IsReleasedAtOnce()
    {
        Outcome outcome = FeedAll("id, label\n");

        Assert.That(outcome.Released, Is.EqualTo(new[] { 10 }));
    }

    [Test]
    public void LongestPossiblePromptStart_IsHeldBack()
    {
        // "Siren::SQL>" is 11 bytes of the prompt; "x" before it is certain body.
        Outcome outcome = FeedAll("xSiren::SQL>");

        Assert.That(outcome.Released, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void PartialPromptFollowedByText_IsReleasedWithTheText()
    {
        Outcome outcome = FeedAll("abcSiren::", "x\n", Prompt);

        Assert.That((outcome.Body, outcome.Released), Is.EqualTo(("abcSiren::x\n", new[] { 3, 9, 0 })));
    }

    [Test]
    public void PartialPromptWhoseTailRestartsThePrompt_HoldsOnlyThatTail()
    {
        // "Siren::S" is held; "iren" after it breaks the long match, but the S is not lost.
        Outcome outcome = FeedAll("Siren::S", "iren::SQL> ");

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("Siren::", 1)));
    }

    [Test]
    public void LongBodyInOneByteReads_IsReleasedWholeAndCompletesAtTheLastByte()
    {
        var random = new Random(7);
        // Near misses of the prompt only: the one space follows a comma, so "> " never forms in the body.
        string[] pieces = ["Siren::", "SQL>", "S", "x", "\n", ", ", "Siren::SQL>", "iren", "Siren::SQL>x"];
        var text = new StringBuilder();
        while (text.Length < 20_000)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        text.Append('\n');
        string body = text.ToString();
        string reply = body + Prompt;

        Outcome outcome = FeedAll(reply.Select(c => c.ToString()).ToArray());

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo((body, reply.Length - 1)));
    }

    [Test]
    public void RandomReadsOfRandomReplies_MatchTheEndsWithPromptRule()
    {
        var random = new Random(1234);
        string[] pieces = ["Siren::", "SQL> ", "S", "Si", "x", "\n", Prompt, "L> "];
        for (int run = 0; run < 3000; run++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 8);
            for (int i = 0; i < count; i++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            string stream = text + Prompt;
            var reads = new List<string>();
            for (int at = 0; at < stream.Length;)
            {
                int length = random.Next(1, Math.Min(16, stream.Length - at) + 1);
                reads.Add(stream.Substring(at, length));
                at += length;
            }

            // Reference: the reply ends at the first read after which the bytes so far end with the prompt.
            int end = 0;
            int completedAt = -1;
            for (int i = 0; i < reads.Count && completedAt < 0; i++)
            {
                end += reads[i].Length;
                if (stream[..end].EndsWith(Prompt, StringComparison.Ordinal))
                {
                    completedAt = i;
                }
            }

            Outcome outcome = FeedAll(reads.ToArray());
            Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo((stream[..(end - Prompt.Length)], completedAt)),
                $"reads: {string.Join(" | ", reads)}");
        }
    }

    [Test]
    public void AfterACompleteReply_TheNextReplyStartsClean()
    {
        var delimiter = new ReplyDelimiter();
        FeedAll(delimiter, "a\n" + Prompt);

        Outcome second = FeedAll(delimiter, "b\n", Prompt);

        Assert.That((second.Body, second.CompletedAtRead), Is.EqualTo(("b\n", 1)));
    }

    [Test]
    public void Reset_ForgetsHeldBytes()
    {
        var delimiter = new ReplyDelimiter();
        FeedAll(delimiter, "Siren::");
        delimiter.Reset();

        Outcome outcome = FeedAll(delimiter, "SQL> ");

        Assert.That((outcome.Body, outcome.CompletedAtRead), Is.EqualTo(("SQL> ", -1)));
    }

    [Test]
    public void ReadPlacedInsideTheBodyBufferAfterTheHeldRoom_IsHandledInPlace()
    {
        var delimiter = new ReplyDelimiter();
        byte[] buffer = new byte[64];
        var body = new List<byte>();
        bool complete = false;
        foreach (string read in new[] { "ab", "cSiren::S", "QL", "> " })
        {
            int length = Encoding.ASCII.GetBytes(read, buffer.AsSpan(ReplyDelimiter.MaxHeldBack));
            int count = delimiter.Feed(
                buffer.AsSpan(ReplyDelimiter.MaxHeldBack, length), buffer.AsSpan(0, ReplyDelimiter.MaxHeldBack + length), out complete);
            body.AddRange(buffer.AsSpan(0, count).ToArray());
        }

        Assert.That((Encoding.ASCII.GetString(body.ToArray()), complete), Is.EqualTo(("abc", true)));
    }

    [Test]
    public void BodyBufferWithoutRoomForHeldBytes_IsRejected()
    {
        var delimiter = new ReplyDelimiter();

        Assert.That(() => delimiter.Feed(new byte[8], new byte[8 + ReplyDelimiter.MaxHeldBack - 1], out _), Throws.ArgumentException);
    }

    [Test]
    public void Feed_DoesNotAllocate()
    {
        var delimiter = new ReplyDelimiter();
        byte[] body = new byte[64];
        byte[][] reads = ["row, Siren::"u8.ToArray(), "S"u8.ToArray(), "QL> "u8.ToArray(), "x\n"u8.ToArray()];
        delimiter.Feed(reads[0], body, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            delimiter.Feed(reads[i % reads.Length], body, out _);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static bool SameOutcome(Outcome a, Outcome b) =>
        a.Body == b.Body && a.CompletedAtRead == b.CompletedAtRead && a.Released.SequenceEqual(b.Released);
}
