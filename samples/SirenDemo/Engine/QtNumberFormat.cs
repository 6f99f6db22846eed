using System.Globalization;

namespace Websocketfy.SirenDemo.Engine;

/// <summary>
/// Formats a REAL the way SiREN prints it: Qt 5's <c>QVariant(double).toString()</c>, i.e.
/// <c>QString::number(d, 'g', QLocale::FloatingPointShortest)</c>. The shortest round-trip
/// digits are written in decimal form unless the exponent form is shorter; the exponent has at
/// least two digits. 1000.0 → "1000", 1.5 → "1.5", 1e6 → "1e+06", 1e-5 → "1e-05".
/// </summary>
internal static class QtNumberFormat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        // Qt prints negative zero without its sign ("0"), as the real server shows for -0.0.
        string sign = double.IsNegative(value) && value != 0 ? "-" : string.Empty;
        if (double.IsInfinity(value))
        {
            return sign + "inf";
        }

        (string digits, int decpt) = ShortestDigits(Math.Abs(value));
        return sign + (UsesExponentForm(digits.Length, decpt) ? ExponentForm(digits, decpt) : DecimalForm(digits, decpt));
    }

    /// <summary>
    /// The significant digits (no leading or trailing zeros, "0" for zero) and the position of
    /// the decimal point relative to them: value = 0.digits × 10^decpt.
    /// </summary>
    private static (string Digits, int Decpt) ShortestDigits(double magnitude)
    {
        // .NET's "R" gives the shortest digits that round-trip, as Qt's double-conversion does.
        string text = magnitude.ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.');
        string integerPart = dot < 0 ? text : text[..dot];
        string all = dot < 0 ? text : integerPart + text[(dot + 1)..];
        int decpt = integerPart.Length + exponent;

        string trimmedLeft = all.TrimStart('0');
        decpt -= all.Length - trimmedLeft.Length;
        string digits = trimmedLeft.TrimEnd('0');
        return digits.Length == 0 ? ("0", 1) : (digits, decpt);
    }

    // Qt 5's rule for 'g' with FloatingPointShortest (QLocaleData::doubleToString).
    private static bool UsesExponentForm(int digitCount, int decpt)
    {
        int cutoff = 6;
        if (decpt > 0)
        {
            cutoff = digitCount + 4;
            cutoff += decpt <= 10 ? 1 : decpt > 100 ? 2 : 1;
            if (digitCount > decpt)
            {
                cutoff++;
            }
        }

        return decpt != digitCount && (decpt <= -4 || decpt > cutoff);
    }

    private static string ExponentForm(string digits, int decpt)
    {
        int exponent = decpt - 1;
        string mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
        string magnitude = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + magnitude;
    }

    private static string DecimalForm(string digits, int decpt)
    {
        if (decpt <= 0)
        {
            return "0." + new string('0', -decpt) + digits;
        }

        if (decpt >= digits.Length)
        {
            return digits + new string('0', decpt - digits.Length);
        }

        return digits[..decpt] + "." + digits[decpt..];
    }
}
