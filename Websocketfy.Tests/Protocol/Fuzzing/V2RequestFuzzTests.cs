namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>
/// 20 000 v2 request cases per run (four fixed seeds): generated requests, whole or mutated, against
/// the parser's contract (<see cref="FuzzV2RequestOracle"/>). The bench entry point runs the same
/// target for a time budget (bench/FUZZ.md). A failure names its seed and case; the case replays alone.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class V2RequestFuzzTests
{
    private const int CasesPerSeed = 5_000;

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(4UL)]
    public void SeededCases_HoldTheOracle(ulong seed)
    {
        var campaign = new FuzzCampaign(FuzzTarget.V2Request);

        FuzzFailure? failure = FuzzWatchdog.Run(campaign, () => campaign.Run(seed, firstCase: 0, CasesPerSeed), FuzzWatchdog.DefaultStallLimit);

        if (failure is not null) Assert.Fail(failure.Describe());
        var outcomes = campaign.Outcomes;
        TestContext.Progress.WriteLine($"seed {seed}: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        // The generator must reach both sides of the parser, and unmutated requests, or the oracle checks little.
        Assert.That(outcomes.GetValueOrDefault("valid"), Is.GreaterThan(CasesPerSeed / 10));
        Assert.That(outcomes.GetValueOrDefault("invalid without id") + outcomes.GetValueOrDefault("invalid with id"), Is.GreaterThan(CasesPerSeed / 10));
        Assert.That(campaign.CasesWithExpectation, Is.GreaterThan(CasesPerSeed / 5));
    }
}
