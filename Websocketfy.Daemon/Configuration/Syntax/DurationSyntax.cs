using System.Globalization;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Durations: a number of seconds (decimals allowed, "." as the separator whatever the locale),
/// or a number with the unit ms, s or m (any case): "1.5", "250ms", "30s", "2m".</summary>
internal static class DurationSyntax
{
    public const string Explanation = "seconds, decimals allowed, or a number with ms, s or m, e.g. 1.5, 250ms, 2m";

    /// <summary>Timers in .NET (CancelAfter, Task.Delay) refuse more than int.MaxValue milliseconds,
    /// about 24.8 days; a whole number of days below that reads well in a message.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(24);

    public static NumberReading Read(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        int numberEnd = 0;
        while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] == '.'))
            numberEnd++;

        long unitTicks = UnitTicks(text[numberEnd..]);
        if (numberEnd == 0 || unitTicks == 0)
            return NumberReading.Malformed;
        // AllowDecimalPoint alone keeps out signs, exponents, spaces and group separators.
        if (!decimal.TryParse(text[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal count))
            return NumberReading.Malformed;

        // Beyond TimeSpan's range (or decimal's) there is nothing useful to represent.
        if (count > (decimal)TimeSpan.MaxValue.Ticks / unitTicks)
            return NumberReading.TooLarge;
        duration = TimeSpan.FromTicks((long)decimal.Round(count * unitTicks, MidpointRounding.AwayFromZero));
        return NumberReading.Valid;
    }

    /// <summary>Whole seconds as "30s", whole milliseconds as "250ms", anything finer as decimal seconds.</summary>
    public static string Format(TimeSpan duration)
    {
        long ticks = duration.Ticks;
        if (ticks == 0)
            return "0";
        if (ticks % TimeSpan.TicksPerSecond == 0)
            return (ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        if (ticks % TimeSpan.TicksPerMillisecond == 0)
            return (ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
        return ((decimal)ticks / TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>Reads a duration of at most <see cref="Longest"/>; zero only where it switches a timer off.</summary>
    public static Parsed<TimeSpan> Parse(string text, bool zeroMeansOff)
    {
        switch (Read(text, out TimeSpan duration))
        {
            case NumberReading.Malformed:
                return Parsed<TimeSpan>.Fail($"'{text}' is not a duration ({Explanation})");
            case NumberReading.TooLarge:
                return Parsed<TimeSpan>.Fail($"'{text}' is too long (at most {Longest.Days} days)");
        }
        if (duration > Longest)
            return Parsed<TimeSpan>.Fail($"'{text}' is too long (at most {Longest.Days} days)");
        if (duration == TimeSpan.Zero && !zeroMeansOff)
            return Parsed<TimeSpan>.Fail($"'{text}' must be more than 0");
        return duration;
    }

    private static long UnitTicks(ReadOnlySpan<char> unit)
    {
        if (unit.IsEmpty || unit.Equals("s", StringComparison.OrdinalIgnoreCase))
            return TimeSpan.TicksPerSecond;
        if (unit.Equals("ms", StringComparison.OrdinalIgnoreCase))
            return TimeSpan.TicksPerMillisecond;
        if (unit.Equals("m", StringComparison.OrdinalIgnoreCase))
            return TimeSpan.TicksPerMinute;
        return 0;
    }
}
