using System.Text.Unicode;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>A fuzz case must replay from its seed and index alone, and the writers the grammar
/// relies on must produce what RFC 6455 and RFC 3629 say.</summary>
public class CaseGenerationTests
{
    [Test]
    public void FuzzRandom_FollowsTheSplitMix64ReferenceSequence()
    {
        // First outputs of Vigna's splitmix64.c from state 0: reproducers stay valid across .NET versions.
        var random = new FuzzRandom(0);

        ulong[] outputs = [random.NextUInt64(), random.NextUInt64(), random.NextUInt64()];

        Assert.That(outputs, Is.EqualTo(new[] { 0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL }));
    }

    [Test]
    public void SameSeedAndCase_GenerateTheSameHandshakeInput()
    {
        HandshakeFuzzInput first = FuzzHandshakeGenerator.Generate(42, 1234);
        HandshakeFuzzInput again = FuzzHandshakeGenerator.Generate(42, 1234);

        Assert.That(again.Bytes, Is.EqualTo(first.Bytes));
        Assert.That(again.Parameters, Is.EqualTo(first.Parameters));
    }

    [Test]
    public void SameSeedAndCase_GenerateTheSameFrameStream()
    {
        // A generator that served other cases in between must still give the same case.
        var generator = new FuzzFrameGenerator();
        FrameFuzzInput first = generator.Generate(42, 1234);
        generator.Generate(42, 1235);

        FrameFuzzInput again = new FuzzFrameGenerator().Generate(42, 1234);

        Assert.That(again.Stream, Is.EqualTo(first.Stream));
        Assert.That(again.Parameters, Is.EqualTo(first.Parameters));
    }

    [Test]
    public void NeighbouringCases_GenerateDifferentInputs()
    {
        var generator = new FuzzFrameGenerator();
        var streams = Enumerable.Range(0, 20).Select(i => Convert.ToHexString(generator.Generate(7, i).Stream)).ToHashSet();
        var heads = Enumerable.Range(0, 20).Select(i => Convert.ToHexString(FuzzHandshakeGenerator.Generate(7, i).Bytes)).ToHashSet();

        Assert.That(streams, Has.Count.GreaterThan(15));
        Assert.That(heads, Has.Count.GreaterThan(15));
    }

    [Test]
    public void FrameWriter_MasksThePayloadWithTheKeyThatFollowsTheLength()
    {
        var random = new FuzzRandom(3);
        var stream = new List<byte>();
        byte[] payload = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];

        FuzzFrameWriter.Write(stream, [], ref random, FuzzFrameWriter.FirstByte(fin: true, rsv: 0, (int)Opcode.Binary), masked: true, payload);

        byte[] frame = [.. stream];
        Assert.That(FrameHeaderCodec.TryParse(frame, out FrameHeader header, out _), Is.EqualTo(FrameHeaderStatus.Ok));
        Assert.That(header.PayloadLength, Is.EqualTo(300));
        Assert.That(frame, Has.Length.EqualTo(header.HeaderLength + 300));
        byte[] key = frame[(header.HeaderLength - 4)..header.HeaderLength];
        byte[] unmasked = [.. frame[header.HeaderLength..].Select((b, i) => (byte)(b ^ key[i % 4]))];
        Assert.That(unmasked, Is.EqualTo(payload));
    }

    [Test]
    public void RandomUtf8_IsValidUtf8OfExactlyTheLengthAsked()
    {
        var random = new FuzzRandom(11);
        for (int length = 0; length < 200; length++)
        {
            byte[] text = FuzzFrameWriter.RandomUtf8(length, ref random);

            Assert.That(text, Has.Length.EqualTo(length));
            Assert.That(Utf8.IsValid(text), Is.True, Convert.ToHexString(text));
        }
    }

    [Test]
    public void FailureReport_NamesSeedCaseReplayCommandAndReproducerHex()
    {
        var failure = new FuzzFailure("frames", 9, 77, "something broke", "maxMessageSize=1", [0x81, 0x00, 0xFF]);

        string report = failure.Describe();

        Assert.That(report, Does.Contain("case 77 of seed 9"));
        Assert.That(report, Does.Contain("--target frames --seed 9 --case 77"));
        Assert.That(report, Does.Contain("reproducer (3 bytes, hex): 8100FF"));
    }

    [Test]
    public void Watchdog_ReportsTheCaseThatStopsFinishing()
    {
        var campaign = new FuzzCampaign(FuzzTarget.Frames);
        var release = new ManualResetEventSlim();

        FuzzFailure? failure = FuzzWatchdog.Run(campaign, () =>
        {
            campaign.RunCase(seed: 5, caseIndex: 3);
            release.Wait();
            return null;
        }, TimeSpan.FromMilliseconds(300));
        release.Set();

        Assert.That(failure, Is.Not.Null);
        Assert.That((failure!.Seed, failure.CaseIndex), Is.EqualTo((5UL, 3L)));
        Assert.That(failure.Violation, Does.Contain("hangs"));
        Assert.That(failure.Reproducer, Is.EqualTo(new FuzzFrameGenerator().Generate(5, 3).Stream));
    }
}
