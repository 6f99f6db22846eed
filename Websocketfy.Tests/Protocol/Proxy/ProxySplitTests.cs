using Websocketfy.Protocol.Proxy;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Protocol.Proxy;

/// <summary>A header may arrive over several reads: however it is split, the parser reaches the same
/// answer, consumes exactly the header, and never reads past its bounds.</summary>
public class ProxySplitTests
{
    private const int RandomRounds = 2000;

    /// <summary>Feeds the pieces as successive reads would deliver them; returns the status, the bytes
    /// consumed in total, and the parser.</summary>
    private static (ProxyParseStatus Status, int Consumed, ProxyHeaderParser Parser) FeedInPieces(byte[] input, IEnumerable<int> pieceLengths)
    {
        var parser = new ProxyHeaderParser();
        int offset = 0, consumedTotal = 0;
        ProxyParseStatus status = ProxyParseStatus.NeedMoreData;
        foreach (int length in pieceLengths)
        {
            int take = Math.Min(length, input.Length - offset);
            status = parser.Feed(input.AsSpan(offset, take), out int consumed);
            Assert.That(consumed, Is.LessThanOrEqualTo(take));
            consumedTotal += consumed;
            offset += take;
            if (status != ProxyParseStatus.NeedMoreData || offset == input.Length) break;
            // A read that does not complete the header must be consumed whole: the caller drops what was consumed.
            Assert.That(consumed, Is.EqualTo(take));
        }
        return (status, consumedTotal, parser);
    }

    private static IEnumerable<int> Forever(int length) { while (true) yield return length; }

    private static IEnumerable<int> RandomPieces(Random random) { while (true) yield return random.Next(1, 24); }

    [Test]
    public void EveryValidHeader_SplitInTwoAtEveryPosition_GivesTheSameHeader()
    {
        foreach (var (name, bytes, kind, source) in ValidSamples())
        {
            byte[] input = [.. bytes, .. HttpAfter];
            for (int split = 1; split < input.Length; split++)
            {
                var (status, consumed, parser) = FeedInPieces(input, [split, input.Length]);

                Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete), $"{name} split at {split}");
                Assert.That(consumed, Is.EqualTo(bytes.Length), $"{name} split at {split}");
                Assert.That(parser.Header!.Kind, Is.EqualTo(kind), name);
                Assert.That(parser.Header.Source?.ToString(), Is.EqualTo(source), name);
                Assert.That(parser.Header.Length, Is.EqualTo(bytes.Length), name);
            }
        }
    }

    [Test]
    public void EveryValidHeader_OneByteAtATime_GivesTheSameHeader()
    {
        foreach (var (name, bytes, kind, source) in ValidSamples())
        {
            var (status, consumed, parser) = FeedInPieces([.. bytes, .. HttpAfter], Forever(1));

            Assert.That(status, Is.EqualTo(ProxyParseStatus.Complete), name);
            Assert.That(consumed, Is.EqualTo(bytes.Length), name);
            Assert.That((parser.Header!.Kind, parser.Header.Source?.ToString()), Is.EqualTo((kind, source)), name);
        }
    }

    [Test]
    public void EveryInvalidHeader_InRandomPieces_GivesTheSameReasonAsInOneRead()
    {
        var random = new Random(20240610);
        foreach (var (name, bytes, reason) in InvalidSamples())
        {
            var whole = FeedInPieces(bytes, [bytes.Length]);
            Assert.That(whole.Status, Is.EqualTo(ProxyParseStatus.Invalid), name);
            Assert.That(whole.Parser.Problem, Does.Contain(reason), name);
            for (int round = 0; round < 50; round++)
            {
                var pieces = FeedInPieces(bytes, RandomPieces(random));
                Assert.That(pieces.Status, Is.EqualTo(ProxyParseStatus.Invalid), $"{name} round {round}");
                Assert.That(pieces.Parser.Problem, Is.EqualTo(whole.Parser.Problem), $"{name} round {round}");
            }
        }
    }

    [Test]
    public void RandomlySplitValidHeaders_AlwaysMatchTheOneReadResult()
    {
        var random = new Random(7);
        var samples = ValidSamples().ToList();
        for (int round = 0; round < RandomRounds; round++)
        {
            var (name, bytes, _, _) = samples[random.Next(samples.Count)];
            byte[] input = [.. bytes, .. HttpAfter];
            var whole = FeedInPieces(input, [input.Length]);
            var pieces = FeedInPieces(input, RandomPieces(random));

            Assert.That(pieces.Status, Is.EqualTo(ProxyParseStatus.Complete), $"{name} round {round}");
            Assert.That(pieces.Consumed, Is.EqualTo(whole.Consumed), $"{name} round {round}");
            Assert.That(pieces.Parser.Header, Is.EqualTo(whole.Parser.Header), $"{name} round {round}");
        }
    }

    [Test]
    public void RandomBytesAfterASignature_NeverThrowNeverConsumePastTheBoundsAndEndConsistently()
    {
        var random = new Random(42);
        for (int round = 0; round < RandomRounds; round++)
        {
            bool v2 = random.Next(2) == 0;
            byte[] noise = new byte[random.Next(0, 300)];
            random.NextBytes(noise);
            if (!v2 && noise.Length > 1 && random.Next(2) == 0) "\r\n"u8.CopyTo(noise.AsSpan(random.Next(noise.Length - 1)));
            byte[] input = v2 ? [.. Signature, .. noise] : [.. "PROXY "u8, .. noise];

            var whole = FeedInPieces(input, [input.Length]);
            var pieces = FeedInPieces(input, RandomPieces(random));

            int bound = v2 ? 16 + ProxyHeaderParser.MaxV2BlockLength : ProxyHeaderParser.MaxV1Length;
            Assert.That(whole.Consumed, Is.LessThanOrEqualTo(bound), $"round {round}");
            Assert.That(pieces.Status, Is.EqualTo(whole.Status), $"round {round}");
            Assert.That(pieces.Consumed, Is.EqualTo(whole.Consumed), $"round {round}");
            Assert.That(pieces.Parser.Problem, Is.EqualTo(whole.Parser.Problem), $"round {round}");
            Assert.That(pieces.Parser.Header, Is.EqualTo(whole.Parser.Header), $"round {round}");
            if (whole.Status == ProxyParseStatus.Complete) Assert.That(whole.Consumed, Is.EqualTo(whole.Parser.Header!.Length));
        }
    }
}
