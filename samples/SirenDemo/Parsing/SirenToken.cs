namespace Websocketfy.SirenDemo.Parsing;

/// <summary>The token types of SiREN's lexer (agathon's <c>Token::TK_*</c>), with its numbers.</summary>
internal enum SirenTokenType
{
    LexError = -10,
    UnterminatedString = -11,
    FloatingPointError = -12,
    Undefined = -1,
    Identifier = 100,
    Integer = 101,
    FloatingPoint = 102,
    String = 103,
    Greater = 110,
    GreaterOrEqual = 111,
    Less = 112,
    NotEqual = 113,
    LessGreater = 114,
    LessOrEqual = 115,
    OpenBrace = 120,
    CloseBrace = 121,
    OpenBlock = 122,
    CloseBlock = 123,
    Comma = 124,
    Semicolon = 125,
    Period = 126,
    Equal = 127,
    Sum = 128,
    Sub = 129,
    Mul = 130,
    Div = 131,
    Percent = 132,
    In = 133,
    Between = 134,
}

/// <summary>One token: its text as written (strings keep their quotes) and its type.</summary>
internal sealed record SirenToken(string Lexem, SirenTokenType Type)
{
    /// <summary>The text in capitals, ASCII letters only (C's <c>toupper</c>), as SiREN compares keywords.</summary>
    public string Upper { get; } = AsciiUpper(Lexem);

    private static string AsciiUpper(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++) span[i] = source[i] is >= 'a' and <= 'z' ? (char)(source[i] - 32) : source[i];
        });
}
