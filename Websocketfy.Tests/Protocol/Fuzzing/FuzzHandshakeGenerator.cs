using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Builds handshake cases: a real client's request, maybe one meaningful edit, maybe a few
/// field-level edits, maybe a burst of byte-level mutations, a parser limit that often sits right at
/// the head's size.</summary>
internal static class FuzzHandshakeGenerator
{
    /// <summary>Keeps the cases of this target apart from other targets run with the same seed.</summary>
    public const ulong RandomStream = 0x4853_4841_4B45; // "HSHAKE"

    /// <summary>How far a mutated input may reach past the parser's limit.</summary>
    private const int TailPastLimit = 1024;

    public static HandshakeFuzzInput Generate(ulong seed, long caseIndex)
    {
        FuzzRandom random = FuzzRandom.ForCase(seed, RandomStream, caseIndex);
        HandshakeSample sample = random.Pick(FuzzHandshakeCorpus.Samples);
        int policyIndex = random.Below(FuzzHandshakeCorpus.Policies.Length);
        HandshakeEdit edit = random.Percent(40)
            ? HandshakeEdit.None
            : random.Pick(sample.IsUpgrade ? FuzzHandshakeEdits.ForUpgrades : FuzzHandshakeEdits.Neutral);

        List<string> lines = FuzzHandshakeEdits.Apply(sample, edit);
        int fieldEdits = random.Percent(30) ? random.Between(1, 4) : 0;
        for (int i = 0; i < fieldEdits; i++)
        {
            FuzzHandshakeFieldMutator.MutateOnce(lines, ref random);
        }

        List<byte> bytes = Build(lines, edit, ref random);
        int headLength = bytes.Count;
        if (random.Percent(30))
        {
            // Frames the client sent right behind its request: the parser must leave them alone.
            Span<byte> frames = stackalloc byte[random.Between(1, 64)];
            random.Fill(frames);
            bytes.AddRange(frames);
        }

        int maxHeadBytes = random.Below(20) switch
        {
            < 13 => RequestHeadParser.DefaultMaxHeadBytes,
            < 17 => Math.Max(1, headLength + random.Between(-8, 8)),
            _ => random.Between(1, 1024),
        };

        // Field-edited heads mostly stay well-formed, so that the validator gets to decide them.
        int mutations = random.Percent(fieldEdits > 0 ? 25 : 60) ? random.Between(1, 8) : 0;
        for (int i = 0; i < mutations; i++)
        {
            Mutate(bytes, maxHeadBytes, ref random);
        }
        if (bytes.Count > maxHeadBytes + TailPastLimit)
        {
            // The parser never reads past its limit: longer inputs only cost time.
            bytes.RemoveRange(maxHeadBytes + TailPastLimit, bytes.Count - maxHeadBytes - TailPastLimit);
        }

        HandshakeExpectation? expected = mutations == 0 && fieldEdits == 0
            ? Expect(sample, edit, policyIndex, headLength, maxHeadBytes)
            : null;
        string origin = $"{sample.Name}/{edit}/{fieldEdits} field edits/{mutations} mutations";
        return new HandshakeFuzzInput(bytes.ToArray(), maxHeadBytes, policyIndex, random.NextUInt64(), expected, origin);
    }

    private static List<byte> Build(List<string> lines, HandshakeEdit edit, ref FuzzRandom random)
    {
        string lineEnd = edit == HandshakeEdit.BareLineFeeds ? "\n" : "\r\n";
        var text = new StringBuilder();
        if (edit == HandshakeEdit.LeadingBlankLines)
        {
            for (int i = random.Between(1, 3); i > 0; i--)
            {
                text.Append(random.Percent(50) ? "\r\n" : "\n");
            }
        }
        foreach (string line in lines)
        {
            text.Append(line).Append(lineEnd);
        }
        text.Append(lineEnd);
        return [.. Encoding.ASCII.GetBytes(text.ToString())];
    }

    private static HandshakeExpectation Expect(HandshakeSample sample, HandshakeEdit edit, int policyIndex, int headLength, int maxHeadBytes)
    {
        if (headLength > maxHeadBytes)
        {
            return new HandshakeExpectation(HeadParseStatus.TooLarge, default, 0, null);
        }
        int? forced = FuzzHandshakeEdits.ForcedStatus(edit);
        if (!sample.IsUpgrade || forced == 0)
        {
            return new HandshakeExpectation(HeadParseStatus.Complete, HandshakeOutcome.PlainHttp, 0, null);
        }
        if (forced is { } refusal)
        {
            return new HandshakeExpectation(HeadParseStatus.Complete, HandshakeOutcome.Reject, refusal, null);
        }
        HandshakePolicy policy = FuzzHandshakeCorpus.Policies[policyIndex];
        if (policy == FuzzHandshakeCorpus.NoOrigin && sample.HasOrigin)
        {
            return new HandshakeExpectation(HeadParseStatus.Complete, HandshakeOutcome.Reject, 403, null);
        }
        string? subprotocol = policy == FuzzHandshakeCorpus.PageOriginWithChat && sample.OffersChat
            ? FuzzHandshakeCorpus.ChatSubprotocol
            : null;
        return new HandshakeExpectation(HeadParseStatus.Complete, HandshakeOutcome.Upgrade, 101, subprotocol);
    }

    private static void Mutate(List<byte> bytes, int maxHeadBytes, ref FuzzRandom random)
    {
        // Huge lines and noise cost time in proportion to their size: rarer than the cheap mutations.
        switch (random.Below(20))
        {
            case < 2:
                DuplicateLine(bytes, ref random);
                break;
            case < 4:
                InjectLineBreak(bytes, ref random);
                break;
            case 4:
                InsertHugeLine(bytes, maxHeadBytes, ref random);
                break;
            case < 7:
                SpliceSample(bytes, ref random);
                break;
            case 7 when random.Percent(25):
                ReplaceWithRandom(bytes, maxHeadBytes, ref random);
                break;
            default:
                FuzzByteMutator.MutateOnce(bytes, ref random);
                break;
        }
    }

    private static void DuplicateLine(List<byte> bytes, ref FuzzRandom random)
    {
        if (bytes.Count == 0)
        {
            return;
        }
        int start = LineStartAtOrBefore(bytes, random.Below(bytes.Count));
        int end = bytes.IndexOf((byte)'\n', start);
        end = end < 0 ? bytes.Count : end + 1;
        byte[] line = bytes.GetRange(start, end - start).ToArray();
        for (int copies = random.Percent(80) ? 1 : random.Between(2, 20); copies > 0; copies--)
        {
            bytes.InsertRange(end, line);
        }
    }

    private static readonly byte[][] LineBreaks = ["\r"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\n\r"u8.ToArray(), "\r\n\r\n"u8.ToArray()];

    private static void InjectLineBreak(List<byte> bytes, ref FuzzRandom random) =>
        bytes.InsertRange(random.Below(bytes.Count + 1), random.Pick(LineBreaks));

    /// <summary>A header line whose length lands near the limit (just under, at, just over) or far past it.</summary>
    private static void InsertHugeLine(List<byte> bytes, int maxHeadBytes, ref FuzzRandom random)
    {
        int length = random.Percent(70)
            ? Math.Max(0, maxHeadBytes + random.Between(-24, 24))
            : random.Between(0, Math.Min(2 * maxHeadBytes, 20_000));
        var line = new byte[length + 10];
        "X-Fill: "u8.CopyTo(line);
        line.AsSpan(8, length).Fill((byte)'a');
        "\r\n"u8.CopyTo(line.AsSpan(8 + length));
        int at = bytes.Count == 0 ? 0 : LineStartAtOrBefore(bytes, random.Below(bytes.Count));
        bytes.InsertRange(at, line);
    }

    /// <summary>Lines of another client's request in this one: plausible headers in odd places.</summary>
    private static void SpliceSample(List<byte> bytes, ref FuzzRandom random)
    {
        HandshakeSample other = random.Pick(FuzzHandshakeCorpus.Samples);
        int first = random.Below(other.Lines.Length);
        int count = random.Between(1, other.Lines.Length - first);
        string text = string.Join("\r\n", other.Lines, first, count) + "\r\n";
        int at = bytes.Count == 0 ? 0 : LineStartAtOrBefore(bytes, random.Below(bytes.Count));
        bytes.InsertRange(at, Encoding.ASCII.GetBytes(text));
    }

    private static void ReplaceWithRandom(List<byte> bytes, int maxHeadBytes, ref FuzzRandom random)
    {
        var noise = new byte[random.Between(0, Math.Min(2 * maxHeadBytes, 12_000))];
        random.Fill(noise);
        bytes.Clear();
        bytes.AddRange(noise);
    }

    private static int LineStartAtOrBefore(List<byte> bytes, int position)
    {
        int lf = bytes.LastIndexOf((byte)'\n', Math.Max(0, position - 1));
        return position == 0 || lf < 0 ? 0 : lf + 1;
    }
}
