namespace Websocketfy.SirenDemo.Protocol;

/// <summary>
/// Just enough of SiREN's tokenizer to name the tokens its error messages quote
/// (<c>[1] DESC expected. 'FOO' found instead.</c>): words, quoted names, single symbols.
/// </summary>
internal static class SirenLexer
{
    /// <summary>Returns up to <paramref name="max"/> leading tokens of <paramref name="command"/>.</summary>
    public static List<string> Tokens(string command, int max)
    {
        var tokens = new List<string>(max);
        int i = 0;
        while (tokens.Count < max)
        {
            while (i < command.Length && char.IsWhiteSpace(command[i]))
            {
                i++;
            }

            if (i == command.Length)
            {
                break;
            }

            int end = TokenEnd(command, i);
            tokens.Add(command[i..end]);
            i = end;
        }

        return tokens;
    }

    /// <summary>The token's text without the quotes SQL allows around a name.</summary>
    public static string Unquote(string token)
    {
        if (token.Length >= 2 && ClosingQuote(token[0]) is char close && token[^1] == close)
        {
            return token[1..^1];
        }

        return token;
    }

    private static int TokenEnd(string text, int start)
    {
        char first = text[start];
        if (IsWordChar(first))
        {
            int end = start + 1;
            while (end < text.Length && IsWordChar(text[end]))
            {
                end++;
            }

            return end;
        }

        if (ClosingQuote(first) is char close)
        {
            int closeAt = text.IndexOf(close, start + 1);
            return closeAt < 0 ? text.Length : closeAt + 1;
        }

        return start + 1;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_' || char.IsSurrogate(c);

    private static char? ClosingQuote(char open) => open switch
    {
        '\'' => '\'',
        '"' => '"',
        '`' => '`',
        '[' => ']',
        _ => null,
    };
}
