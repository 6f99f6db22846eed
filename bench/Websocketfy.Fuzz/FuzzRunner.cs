using System.Diagnostics;
using System.Globalization;
using Websocketfy.Tests.Protocol.Fuzzing;

namespace Websocketfy.Fuzz;

/// <summary>Runs fuzz cases until the time budget ends, one thread per target, and reports the rate,
/// how the cases ended, and every failure with its reproducer.</summary>
internal static class FuzzRunner
{
    /// <summary>Cases per seed: a batch is short enough that the clock is read often.</summary>
    private const long BatchSize = 2_000;

    /// <summary>After this many failures a target stops reporting more (they are usually the same bug).</summary>
    private const int MaxFailuresPerTarget = 10;

    private sealed record TargetReport(FuzzCampaign Campaign, TimeSpan Elapsed, ulong FirstSeed, ulong LastSeed, List<FuzzFailure> Failures);

    public static int RunForBudget(FuzzArguments arguments)
    {
        ulong firstSeed = arguments.Seed ?? (ulong)Random.Shared.NextInt64(long.MaxValue);
        TimeSpan budget = TimeSpan.FromSeconds(arguments.Seconds);
        Console.WriteLine($"fuzzing {string.Join(" and ", arguments.Targets.Select(Name))} for {budget.TotalSeconds:0.#} s from seed {firstSeed}");

        var reports = new TargetReport[arguments.Targets.Length];
        var threads = new Thread[arguments.Targets.Length];
        for (int i = 0; i < threads.Length; i++)
        {
            int slot = i;
            threads[i] = new Thread(() => reports[slot] = RunTarget(arguments.Targets[slot], firstSeed, budget))
            {
                Name = "fuzz " + Name(arguments.Targets[slot]),
            };
            threads[i].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        int failures = 0;
        foreach (TargetReport report in reports)
        {
            failures += Report(report, arguments.OutputDirectory);
        }
        // On a shared machine the wall-clock rates depend on the load; CPU time tells them apart.
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long cases = reports.Sum(report => report.Campaign.CasesRun);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process CPU time {cpu.TotalSeconds:0.0} s: {cases / cpu.TotalSeconds:0} cases per CPU second over all targets"));
        Console.WriteLine(failures == 0 ? "no failure" : $"{failures} failure(s); reproducers in {Path.GetFullPath(arguments.OutputDirectory)}");
        return failures == 0 ? 0 : 1;
    }

    public static int Replay(FuzzArguments arguments, ulong seed, long caseIndex)
    {
        int failures = 0;
        foreach (FuzzTarget target in arguments.Targets)
        {
            var campaign = new FuzzCampaign(target);
            FuzzFailure? failure = FuzzWatchdog.Run(campaign, () => campaign.RunCase(seed, caseIndex), FuzzWatchdog.DefaultStallLimit);
            if (failure is null)
            {
                Console.WriteLine($"{campaign.TargetName} case {caseIndex} of seed {seed}: passed ({campaign.Outcomes.Keys.Single()})");
                Console.WriteLine(campaign.DescribeCase(seed, caseIndex));
                continue;
            }
            failures++;
            Console.WriteLine(failure.Describe());
            WriteReproducer(failure, arguments.OutputDirectory);
        }
        return failures == 0 ? 0 : 1;
    }

    private static TargetReport RunTarget(FuzzTarget target, ulong firstSeed, TimeSpan budget)
    {
        var campaign = new FuzzCampaign(target);
        var failures = new List<FuzzFailure>();
        var clock = Stopwatch.StartNew();
        ulong seed = firstSeed;
        FuzzFailure? stall = FuzzWatchdog.Run(campaign, () =>
        {
            for (; clock.Elapsed < budget; seed++)
            {
                for (long index = 0; index < BatchSize && clock.Elapsed < budget; index++)
                {
                    if (campaign.RunCase(seed, index) is { } failure)
                    {
                        Record(failures, failure);
                    }
                }
            }
            return null;
        }, FuzzWatchdog.DefaultStallLimit);
        if (stall is not null)
        {
            // The stuck case keeps its thread busy for good; this target stops here.
            Record(failures, stall);
        }
        TimeSpan elapsed = clock.Elapsed;
        lock (failures)
        {
            // The loop steps past the last seed it used before it sees the budget is spent.
            return new TargetReport(campaign, elapsed, firstSeed, seed == firstSeed ? seed : seed - 1, [.. failures]);
        }
    }

    private static void Record(List<FuzzFailure> failures, FuzzFailure failure)
    {
        lock (failures)
        {
            if (failures.Count < MaxFailuresPerTarget)
            {
                failures.Add(failure);
                Console.WriteLine(failure.Describe());
            }
        }
    }

    private static int Report(TargetReport report, string outputDirectory)
    {
        FuzzCampaign campaign = report.Campaign;
        double rate = campaign.CasesRun / report.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{campaign.TargetName}: {campaign.CasesRun} cases in {report.Elapsed.TotalSeconds:0.0} s = {rate:0} cases/s, " +
            $"seeds {report.FirstSeed}..{report.LastSeed}, {report.Failures.Count} failure(s)"));
        foreach (KeyValuePair<string, long> outcome in campaign.Outcomes.OrderByDescending(pair => pair.Value))
        {
            Console.WriteLine($"  {outcome.Key,-16} {outcome.Value}");
        }
        foreach (FuzzFailure failure in report.Failures)
        {
            Console.WriteLine("  reproducer: " + WriteReproducer(failure, outputDirectory));
        }
        return report.Failures.Count;
    }

    /// <summary>Writes the report (.txt, with hex) and the raw bytes (.bin); returns the .bin path.</summary>
    private static string WriteReproducer(FuzzFailure failure, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        string stem = Path.Combine(outputDirectory, $"{failure.Target}-seed{failure.Seed}-case{failure.CaseIndex}");
        File.WriteAllText(stem + ".txt", failure.Describe());
        File.WriteAllBytes(stem + ".bin", failure.Reproducer);
        return stem + ".bin";
    }

    private static string Name(FuzzTarget target) => FuzzCampaign.NameOf(target);
}
