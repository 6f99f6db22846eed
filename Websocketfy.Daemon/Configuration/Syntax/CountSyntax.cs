using System.Globalization;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Whole-number limits such as connection counts.</summary>
internal static class CountSyntax
{
    public static Parsed<int> Parse(string text, int min)
    {
        switch (NumberSyntax.ReadWholeNumber(text, out long count))
        {
            case NumberReading.Malformed:
                return Parsed<int>.Fail($"'{text}' is not a whole number");
            case NumberReading.TooLarge:
                return TooLarge(text);
        }
        if (count > int.MaxValue)
            return TooLarge(text);
        if (count < min)
            return Parsed<int>.Fail($"'{text}' is too small (at least {min.ToString(CultureInfo.InvariantCulture)})");
        return (int)count;
    }

    private static Parsed<int> TooLarge(string text) =>
        Parsed<int>.Fail($"'{text}' is too large (at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)})");
}
