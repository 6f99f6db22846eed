namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// Thrown where SiREN's parser throws: reading the current token past the end, or matching a token
/// that is not the one expected. SiREN's statement checkers catch it and report a syntax error;
/// outside them it becomes "Fatal error executing the query."
/// </summary>
internal sealed class SirenParseAbort : Exception
{
    public SirenParseAbort()
        : base("SiREN's parser ran past the end of the tokens or met an unexpected one")
    {
    }
}

/// <summary>SiREN's parser (agathon's <c>Parser</c>): a position in the token list that only moves forward.</summary>
internal sealed class SirenTokenCursor(List<SirenToken> tokens)
{
    private int _position;

    public SirenTokenCursor(string command)
        : this(SirenTokenizer.Tokens(command))
    {
    }

    public int Count => tokens.Count;

    /// <summary>Every token has been matched.</summary>
    public bool AtEnd => _position >= tokens.Count;

    /// <summary>The token number SiREN puts before an error: 1-based, and 0 once at the end.</summary>
    public int ErrorPosition => AtEnd ? 0 : _position + 1;

    /// <summary>The current token's index (-1 at the end), for look-backs like SiREN's.</summary>
    public int Position => AtEnd ? -1 : _position;

    public SirenToken Current => AtEnd ? throw new SirenParseAbort() : tokens[_position];

    /// <summary>Moves past the current token.</summary>
    public void Match()
    {
        _ = Current;
        _position++;
    }

    /// <summary>Moves past the current token if it is <paramref name="lexem"/> of <paramref name="type"/>; throws otherwise.</summary>
    public void Match(string lexem, SirenTokenType type)
    {
        if (Current.Lexem != lexem || Current.Type != type) throw new SirenParseAbort();
        _position++;
    }

    public SirenToken TokenAt(int index) => index >= 0 && index < tokens.Count ? tokens[index] : throw new SirenParseAbort();

    /// <summary>The last token (named in SiREN's "Syntax error ... near '...'" messages).</summary>
    public SirenToken Last => TokenAt(tokens.Count - 1);
}
