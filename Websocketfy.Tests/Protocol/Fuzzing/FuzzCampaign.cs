namespace Websocketfy.Tests.Protocol.Fuzzing;

internal enum FuzzTarget { Handshake, Frames, V2Request }

/// <summary>Runs fuzz cases of one target: generate from (seed, case index), check, count how the
/// cases ended. Shared by the unit tests (fixed seeds, bounded count) and the bench entry point
/// (random seeds, time budget).</summary>
internal sealed class FuzzCampaign
{
    /// <summary>Starts every allocation finding. The runtime sometimes allocates on the measured
    /// thread by itself (tiered compilation, for one), so such a finding is measured again before
    /// it counts; the code under test is deterministic, so a real excess shows every time.</summary>
    public const string AllocationTag = "[allocation]";

    private const int AllocationMeasurements = 3;

    private readonly FuzzFrameGenerator _frameGenerator = new();
    private readonly FuzzFrameOracle _frameOracle = new();

    public FuzzCampaign(FuzzTarget target) => Target = target;

    public FuzzTarget Target { get; }

    public string TargetName => NameOf(Target);

    /// <summary>The target's name on the bench entry point's command line and in reports.</summary>
    public static string NameOf(FuzzTarget target) => target switch
    {
        FuzzTarget.Handshake => "handshake",
        FuzzTarget.Frames => "frames",
        _ => "v2request",
    };

    /// <summary>How many cases ended which way ("Upgrade 101", "error 1007", ...).</summary>
    public Dictionary<string, long> Outcomes { get; } = [];

    private long _casesRun;
    private ulong _currentSeed;
    private long _currentCase;

    /// <summary>Cases started so far; read by <see cref="FuzzWatchdog"/> from another thread.</summary>
    public long CasesRun => Volatile.Read(ref _casesRun);

    /// <summary>Cases that also had an expected result from the generator (a differential check),
    /// not only the contract.</summary>
    public long CasesWithExpectation { get; private set; }

    /// <summary>Runs cases firstCase, firstCase+1, ... of the seed; stops at the first failure.</summary>
    public FuzzFailure? Run(ulong seed, long firstCase, long count)
    {
        for (long index = firstCase; index < firstCase + count; index++)
        {
            FuzzFailure? failure = RunCase(seed, index);
            if (failure is not null)
            {
                return failure;
            }
        }
        return null;
    }

    public FuzzFailure? RunCase(ulong seed, long caseIndex)
    {
        Volatile.Write(ref _currentSeed, seed);
        Volatile.Write(ref _currentCase, caseIndex);
        Interlocked.Increment(ref _casesRun);
        FuzzFailure? failure = null;
        for (int measurement = 0; measurement < AllocationMeasurements; measurement++)
        {
            failure = RunCaseOnce(seed, caseIndex, out string outcome, out bool hasExpectation);
            if (failure is null || !failure.Violation.Contains(AllocationTag, StringComparison.Ordinal))
            {
                Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
                CasesWithExpectation += hasExpectation ? 1 : 0;
                return failure;
            }
        }
        Outcomes["allocation"] = Outcomes.GetValueOrDefault("allocation") + 1;
        return failure;
    }

    /// <summary>The report for the case running now, built from a fresh copy of its input, when it
    /// has run for longer than any case should (the code under test loops forever).</summary>
    public FuzzFailure DescribeStalledCase(TimeSpan stalledFor) => Describe(
        Volatile.Read(ref _currentSeed), Volatile.Read(ref _currentCase),
        $"the case has not finished after {stalledFor.TotalSeconds:0} s: the code under test hangs");

    /// <summary>A case's input, described as a failure report would describe it (for replays).</summary>
    public string DescribeCase(ulong seed, long caseIndex)
    {
        FuzzFailure described = Describe(seed, caseIndex, "");
        return $"parameters: {described.Parameters}\ninput ({described.Reproducer.Length} bytes, hex): {Convert.ToHexString(described.Reproducer)}";
    }

    private FuzzFailure Describe(ulong seed, long caseIndex, string violation)
    {
        if (Target == FuzzTarget.Handshake)
        {
            HandshakeFuzzInput input = FuzzHandshakeGenerator.Generate(seed, caseIndex);
            return new FuzzFailure(TargetName, seed, caseIndex, violation, input.Parameters, input.Bytes);
        }
        if (Target == FuzzTarget.V2Request)
        {
            V2RequestFuzzInput request = FuzzV2RequestGenerator.Generate(seed, caseIndex);
            return new FuzzFailure(TargetName, seed, caseIndex, violation, request.Parameters, request.Bytes);
        }
        FrameFuzzInput frames = new FuzzFrameGenerator().Generate(seed, caseIndex);
        return new FuzzFailure(TargetName, seed, caseIndex, violation, frames.Parameters, frames.Stream);
    }

    private FuzzFailure? RunCaseOnce(ulong seed, long caseIndex, out string outcome, out bool hasExpectation)
    {
        hasExpectation = false;
        outcome = "exception";
        HandshakeFuzzInput? handshake = null;
        FrameFuzzInput? frames = null;
        V2RequestFuzzInput? request = null;
        string? violation;
        try
        {
            if (Target == FuzzTarget.Handshake)
            {
                handshake = FuzzHandshakeGenerator.Generate(seed, caseIndex);
                hasExpectation = handshake.Expected is not null;
                violation = FuzzHandshakeOracle.Check(handshake, out outcome);
            }
            else if (Target == FuzzTarget.V2Request)
            {
                request = FuzzV2RequestGenerator.Generate(seed, caseIndex);
                hasExpectation = request.Expected is not null;
                violation = FuzzV2RequestOracle.Check(request, out outcome);
            }
            else
            {
                frames = _frameGenerator.Generate(seed, caseIndex);
                hasExpectation = frames.Expected is not null;
                violation = _frameOracle.Check(frames, out outcome);
            }
        }
        catch (Exception exception)
        {
            violation = handshake is null && frames is null && request is null
                ? "the case generator threw: " + exception
                : "unhandled exception: " + exception;
        }
        if (violation is null)
        {
            return null;
        }
        // Described only on failure: the expected events of a long stream make a long text.
        string parameters = handshake?.Parameters ?? frames?.Parameters ?? request?.Parameters ?? "";
        byte[] bytes = handshake?.Bytes ?? frames?.Stream ?? request?.Bytes ?? [];
        return new FuzzFailure(TargetName, seed, caseIndex, violation, parameters, bytes);
    }
}
