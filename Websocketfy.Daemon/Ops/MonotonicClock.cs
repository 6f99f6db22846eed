using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Ops;

/// <summary>CLOCK_MONOTONIC, read with clock_gettime(2): the clock systemd compares sd_notify's
/// MONOTONIC_USEC with. Stopwatch happens to use it on Linux too, but that is not a documented promise.</summary>
internal static partial class MonotonicClock
{
    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Microseconds since an arbitrary start (boot), as systemd wants them.</summary>
    public static long NowMicroseconds()
    {
        if (ClockGetTime(ClockMonotonic, out TimeSpec time) != 0)
            throw new InvalidOperationException("clock_gettime(CLOCK_MONOTONIC) failed");
        return (long)time.Seconds * 1_000_000 + (long)time.Nanoseconds / 1_000;
    }
}
