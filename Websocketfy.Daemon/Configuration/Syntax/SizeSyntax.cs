using System.Globalization;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Byte counts: a whole number of bytes, optionally followed by a binary unit.
/// K, M, G and their spellings KiB, MiB, GiB (any case) all mean powers of 1024; "KB"/"MB" are refused
/// rather than guessed, since some readers take them as powers of 1000.</summary>
internal static class SizeSyntax
{
    public const string Explanation = "bytes, or a whole number with K, M or G (KiB, MiB, GiB), e.g. 1M";

    private const long Kibi = 1024;
    private const long Mebi = 1024 * Kibi;
    private const long Gibi = 1024 * Mebi;

    public static NumberReading Read(ReadOnlySpan<char> text, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
            digits++;
        if (digits == 0)
            return NumberReading.Malformed;

        long unit = UnitSize(text[digits..]);
        if (unit == 0)
            return NumberReading.Malformed;

        NumberReading number = NumberSyntax.ReadWholeNumber(text[..digits], out long count);
        if (number != NumberReading.Valid)
            return number;
        if (count > long.MaxValue / unit)
            return NumberReading.TooLarge;
        bytes = count * unit;
        return NumberReading.Valid;
    }

    /// <summary>The shortest exact spelling: 1048576 is "1M", 1536 is "1536".</summary>
    public static string Format(long bytes)
    {
        if (bytes != 0)
        {
            if (bytes % Gibi == 0)
                return Invariant(bytes / Gibi) + "G";
            if (bytes % Mebi == 0)
                return Invariant(bytes / Mebi) + "M";
            if (bytes % Kibi == 0)
                return Invariant(bytes / Kibi) + "K";
        }
        return Invariant(bytes);
    }

    /// <summary>Reads a size within [min, max] and words the refusal for an operator.</summary>
    public static Parsed<long> Parse(string text, long min, long max)
    {
        switch (Read(text, out long bytes))
        {
            case NumberReading.Malformed:
                return Parsed<long>.Fail($"'{text}' is not a size ({Explanation})");
            case NumberReading.TooLarge:
                return Parsed<long>.Fail($"'{text}' is too large (at most {Format(max)})");
        }
        if (bytes > max)
            return Parsed<long>.Fail($"'{text}' is too large (at most {Format(max)})");
        if (bytes < min)
            return Parsed<long>.Fail($"'{text}' is too small (at least {Format(min)})");
        return bytes;
    }

    private static long UnitSize(ReadOnlySpan<char> unit)
    {
        if (unit.IsEmpty)
            return 1;
        if (unit.Equals("K", StringComparison.OrdinalIgnoreCase) || unit.Equals("KiB", StringComparison.OrdinalIgnoreCase))
            return Kibi;
        if (unit.Equals("M", StringComparison.OrdinalIgnoreCase) || unit.Equals("MiB", StringComparison.OrdinalIgnoreCase))
            return Mebi;
        if (unit.Equals("G", StringComparison.OrdinalIgnoreCase) || unit.Equals("GiB", StringComparison.OrdinalIgnoreCase))
            return Gibi;
        return 0;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
