namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>60 000 frame-stream cases per run (six fixed seeds): grammar-built client streams, some
/// ending in a deliberate violation, some mutated, through the message receiver in one buffer and
/// through a replica of the daemon's receive loop.</summary>
[Parallelizable(ParallelScope.Children)]
public class FrameFuzzTests
{
    private const long CasesPerSeed = 10_000;

    private static readonly string[] OutcomesEveryRunReaches =
        ["end of input", "close", "error 1002", "error 1007", "error 1009"];

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(4UL)]
    [TestCase(5UL)]
    [TestCase(6UL)]
    public void GrammarAndMutatedFrameStreams_KeepTheReceiverContract(ulong seed)
    {
        var campaign = new FuzzCampaign(FuzzTarget.Frames);

        FuzzFailure? failure = FuzzWatchdog.Run(campaign, () => campaign.Run(seed, firstCase: 0, CasesPerSeed), FuzzWatchdog.DefaultStallLimit);

        if (failure is not null)
        {
            Assert.Fail(failure.Describe());
        }
        Assert.That(campaign.CasesRun, Is.EqualTo(CasesPerSeed));
        // Unmutated cases carry the generator's expectation: a differential check, not only the contract.
        Assert.That(campaign.CasesWithExpectation, Is.GreaterThan(CasesPerSeed / 4));
        Assert.That(campaign.Outcomes.Keys, Is.SupersetOf(OutcomesEveryRunReaches), string.Join(", ", campaign.Outcomes));
    }
}
