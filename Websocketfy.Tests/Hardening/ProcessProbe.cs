using System.Diagnostics;

namespace Websocketfy.Tests.Hardening;

/// <summary>What the test process (which hosts the daemon in-process) holds right now, and waiting for
/// asynchronous teardown to settle. Counts are process-wide, so the fixtures using them do not run in parallel.</summary>
internal static class ProcessProbe
{
    /// <summary>What this process's open file descriptors point at (sockets, files, pipes), leaving out the
    /// runtime's own: assemblies and native libraries mapped when first used, and symbol files, opened the first
    /// time a socket error's stack trace needs line numbers. Those stay open for good and are no one's leak.</summary>
    public static List<string> DescriptorTargets()
    {
        var targets = new List<string>();
        foreach (string entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            string? target = new FileInfo(entry).LinkTarget;
            if (target is null || target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal)
                || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal))
                continue;
            targets.Add(target);
        }
        return targets;
    }

    public static int OpenDescriptors() => DescriptorTargets().Count;

    /// <summary>Resident set size in bytes, read fresh from the kernel.</summary>
    public static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>Managed heap in use after a full, compacting collection.</summary>
    public static long ManagedHeapAfterCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns its last value.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) return condition();
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Waits until the descriptor count is back to <paramref name="baseline"/> (or below); returns the last count.</summary>
    public static async Task<int> DescriptorsSettleAsync(int baseline, TimeSpan timeout)
    {
        int count = OpenDescriptors();
        var clock = Stopwatch.StartNew();
        while (count > baseline && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
            count = OpenDescriptors();
        }
        return count;
    }

    /// <summary>Samples the working set every few milliseconds until disposed, keeping the peak.</summary>
    public sealed class PeakSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private long _peakWorkingSet, _peakHeap;

        public PeakSampler() => _sampling = SampleAsync();

        public long PeakWorkingSet => Interlocked.Read(ref _peakWorkingSet);
        public long PeakManagedHeap => Interlocked.Read(ref _peakHeap);

        private async Task SampleAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Raise(ref _peakWorkingSet, WorkingSet());
                Raise(ref _peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                try { await Task.Delay(10, _stop.Token); } catch (OperationCanceledException) { }
            }
        }

        private static void Raise(ref long peak, long value)
        {
            long seen = Interlocked.Read(ref peak);
            while (value > seen)
            {
                long was = Interlocked.CompareExchange(ref peak, value, seen);
                if (was == seen) return;
                seen = was;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _sampling;
            _stop.Dispose();
        }
    }
}
