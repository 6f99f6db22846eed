using System.Globalization;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Outcome of reading a number that may also be too big to represent,
/// so "too large" can be told apart from "not a number".</summary>
internal enum NumberReading
{
    Valid,
    Malformed,
    TooLarge,
}

/// <summary>Plain decimal numbers as operators type them: ASCII digits only, no sign,
/// no spaces, no thousands separators, independent of the machine's culture.</summary>
internal static class NumberSyntax
{
    public static NumberReading ReadWholeNumber(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || !AllAsciiDigits(text))
            return NumberReading.Malformed;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            ? NumberReading.Valid
            : NumberReading.TooLarge;
    }

    public static bool AllAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
