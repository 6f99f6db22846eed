namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>40 000 handshake cases per run (four fixed seeds): real clients' requests, edited and
/// mutated, fed to the head parser in one piece and in reads of every size, then decided.</summary>
[Parallelizable(ParallelScope.Children)]
public class HandshakeFuzzTests
{
    private const long CasesPerSeed = 10_000;

    /// <summary>Every way a head can end, and every answer the validator gives, must be reached, or
    /// the run proves less than it seems to.</summary>
    private static readonly string[] OutcomesEveryRunReaches =
    [
        "NeedMoreData", "TooLarge", "Malformed",
        "Upgrade 101", "PlainHttp 0", "Reject 400", "Reject 403", "Reject 405", "Reject 426", "Reject 505",
    ];

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(4UL)]
    public void MutatedRequestHeads_KeepTheParserAndValidatorContract(ulong seed)
    {
        var campaign = new FuzzCampaign(FuzzTarget.Handshake);

        FuzzFailure? failure = FuzzWatchdog.Run(campaign, () => campaign.Run(seed, firstCase: 0, CasesPerSeed), FuzzWatchdog.DefaultStallLimit);

        if (failure is not null)
        {
            Assert.Fail(failure.Describe());
        }
        Assert.That(campaign.CasesRun, Is.EqualTo(CasesPerSeed));
        // Unmutated cases carry the generator's expectation: a differential check, not only the contract.
        Assert.That(campaign.CasesWithExpectation, Is.GreaterThan(CasesPerSeed / 5));
        Assert.That(campaign.Outcomes.Keys, Is.SupersetOf(OutcomesEveryRunReaches), string.Join(", ", campaign.Outcomes));
    }
}
