using System.Text;

namespace Websocketfy.SirenDemo.Protocol;

/// <summary>
/// SiREN's treatment of one received chunk: the bytes of one socket read are one command,
/// simplified like Qt's <c>QString::simplified()</c> (trimmed, inner white-space runs made one
/// space), then one trailing ';' chopped.
/// </summary>
internal static class CommandNormaliser
{
    public static NormalisedChunk Normalise(ReadOnlySpan<byte> chunk)
    {
        // Checked on the raw bytes: "\r\n\r\n" is blank, but "\r\n" alone is special.
        if (chunk.SequenceEqual(SirenWire.CrLf))
        {
            return new NormalisedChunk(ChunkKind.CrLf, string.Empty);
        }

        string text = Simplify(Encoding.UTF8.GetString(chunk));

        // Only one ';' goes, and the text is not trimmed again afterwards: "a ;" stays "a ".
        if (text.EndsWith(';'))
        {
            text = text[..^1];
        }

        if (text.Length == 0)
        {
            return new NormalisedChunk(ChunkKind.Blank, string.Empty);
        }

        if (text.Equals("QUIT", StringComparison.OrdinalIgnoreCase))
        {
            return new NormalisedChunk(ChunkKind.Quit, string.Empty);
        }

        return new NormalisedChunk(ChunkKind.Statement, text);
    }

    /// <summary>
    /// Trims white space and turns every inner run of it into one U+0020. White space is
    /// <see cref="char.IsWhiteSpace(char)"/>, which is the same set as Qt's <c>QChar::isSpace</c>
    /// (categories Zs/Zl/Zp, TAB..CR, U+0085, U+00A0).
    /// </summary>
    public static string Simplify(string text)
    {
        var result = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
