using System.Buffers;
using System.Text;

namespace Websocketfy.Protocol.Commands;

/// <summary>White space as SiREN's normalisation sees it (Qt's QChar::isSpace), so the gateway never
/// disagrees with SiREN about what is blank.</summary>
public static class SirenWhiteSpace
{
    // QChar::isSpace is U+0020, U+0009-U+000D, U+0085, U+00A0 and the categories Zs, Zl, Zp.
    // char.IsWhiteSpace is documented as exactly that set (a test proves it over all 65536 chars) and
    // is a Latin-1 table lookup before any category lookup: the exact form is also the fastest one.
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c);

    /// <summary>The same rule for a decoded code point; no code point above U+FFFF is white space.</summary>
    public static bool IsWhiteSpace(Rune rune) => Rune.IsWhiteSpace(rune);

    /// <summary>SiREN's normalisation: trim, collapse inner white-space runs to one space, remove one trailing ';'.</summary>
    /// <remarks>The order is SiREN's: QString::simplified() first, then chop(1) when the result ends with ';'.
    /// So "QUIT ;" becomes "QUIT " (a trailing space survives), and ";;" becomes ";".</remarks>
    public static string Normalise(string command)
    {
        ArgumentNullException.ThrowIfNull(command);

        const int StackLimit = 256;
        char[]? rented = null;
        Span<char> buffer = command.Length <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = ArrayPool<char>.Shared.Rent(command.Length));
        try
        {
            int length = Simplify(command, buffer);
            if (length > 0 && buffer[length - 1] == ';')
            {
                length--;
            }

            ReadOnlySpan<char> normalised = buffer[..length];
            return normalised.SequenceEqual(command) ? command : new string(normalised);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // QString::simplified: drops white space at both ends and writes one U+0020 between words.
    private static int Simplify(ReadOnlySpan<char> text, Span<char> destination)
    {
        int length = 0;
        bool spaceDue = false;
        foreach (char c in text)
        {
            if (IsWhiteSpace(c))
            {
                spaceDue = length > 0;
                continue;
            }

            if (spaceDue)
            {
                destination[length++] = ' ';
                spaceDue = false;
            }

            destination[length++] = c;
        }

        return length;
    }
}
