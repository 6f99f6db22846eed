using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Runs a campaign on a background thread and watches that its cases keep finishing: a
/// parser that loops forever on some input must come back as a failure with that input, not as a
/// test run or bench that never ends.</summary>
internal static class FuzzWatchdog
{
    /// <summary>Far beyond the slowest legitimate case (milliseconds), even on a loaded machine.</summary>
    public static readonly TimeSpan DefaultStallLimit = TimeSpan.FromSeconds(30);

    /// <summary>The work's result, or the stalled case's report. A stalled thread cannot be stopped;
    /// it is a background thread, so it does not keep the process alive.</summary>
    public static FuzzFailure? Run(FuzzCampaign campaign, Func<FuzzFailure?> work, TimeSpan stallLimit)
    {
        FuzzFailure? result = null;
        ExceptionDispatchInfo? error = null;
        var worker = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception exception)
            {
                error = ExceptionDispatchInfo.Capture(exception);
            }
        })
        {
            IsBackground = true,
            Name = "fuzz " + campaign.TargetName,
        };
        worker.Start();

        long lastCount = -1;
        var sinceProgress = Stopwatch.StartNew();
        while (!worker.Join(TimeSpan.FromMilliseconds(100)))
        {
            long count = campaign.CasesRun;
            if (count != lastCount)
            {
                lastCount = count;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > stallLimit)
            {
                return campaign.DescribeStalledCase(sinceProgress.Elapsed);
            }
        }
        error?.Throw();
        return result;
    }
}
