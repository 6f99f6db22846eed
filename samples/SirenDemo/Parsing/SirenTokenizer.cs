using System.Text;

namespace Websocketfy.SirenDemo.Parsing;

/// <summary>
/// SiREN's lexer (agathon's <c>Lexical</c>), rule for rule: it reads the command's UTF-8 bytes and
/// stops at the first byte it has no rule for (anything not ASCII outside a quoted string, ':', '|',
/// '_' at the start of a word, ...); the tokens before it are all SiREN's parser sees.
/// </summary>
/// <remarks>
/// Its quirks are kept on purpose: a sign followed by a digit starts a number ("-1"), "1." followed
/// by a non-digit is a broken number that swallows that character, an unterminated string runs to the
/// end, "!" alone is an error token. The end of input works as in the original: a read past the end
/// puts the machine in its error state, which a token in progress then overrides.
/// </remarks>
internal sealed class SirenTokenizer
{
    private const int NoCharacter = -1;

    private readonly byte[] _input;
    private int _position;
    private State _state;
    private readonly List<byte> _lexem = [];
    private SirenTokenType _type;

    private enum State
    {
        Begin,
        End,
        Error,
    }

    private SirenTokenizer(byte[] input) => _input = input;

    /// <summary>The tokens of <paramref name="command"/>, up to the first character SiREN cannot read.</summary>
    public static List<SirenToken> Tokens(string command)
    {
        var tokenizer = new SirenTokenizer(Encoding.UTF8.GetBytes(command));
        var tokens = new List<SirenToken>();
        while (tokenizer.Next() is SirenToken token) tokens.Add(token);
        return tokens;
    }

    private SirenToken? Next()
    {
        _lexem.Clear();
        _type = SirenTokenType.Undefined;
        _state = State.Begin;
        int ch = Read();
        while (_state == State.Begin)
        {
            if (ch == ' ') ch = Read();
            else if (ch is '\'' or '"') Quoted(ch);
            else if (IsLetter(ch) || ch == '$') Identifier(ch);
            else if (IsDigit(ch) || ch is '+' or '-') Number(ch);
            else if (ch == '>') Comparison(ch, ('=', SirenTokenType.GreaterOrEqual), null, SirenTokenType.Greater);
            else if (ch == '<') Comparison(ch, ('=', SirenTokenType.LessOrEqual), ('>', SirenTokenType.LessGreater), SirenTokenType.Less);
            else if (ch == '!') Comparison(ch, ('=', SirenTokenType.NotEqual), null, SirenTokenType.LexError);
            else if (Symbol(ch) is SirenTokenType symbol) Single(ch, symbol);
            else _state = State.Error;
        }
        return _state == State.Error ? null : new SirenToken(Encoding.UTF8.GetString([.. _lexem]), _type);
    }

    private int Read()
    {
        int ch = NoCharacter;
        if (_position < _input.Length) ch = _input[_position];
        else _state = State.Error;
        _position++;
        return ch;
    }

    // A read past the end cannot be taken back: the position stays beyond it.
    private void Unread()
    {
        if (_state != State.Error) _position--;
    }

    private void Append(int ch)
    {
        if (ch != NoCharacter) _lexem.Add((byte)ch);
    }

    private void Quoted(int quote)
    {
        Append(quote);
        int ch;
        do
        {
            ch = Read();
            Append(ch);
        }
        while (ch != quote && _state != State.Error);
        _type = _state == State.Error ? SirenTokenType.UnterminatedString : SirenTokenType.String;
        _state = State.End;
    }

    private void Identifier(int ch)
    {
        while (IsLetter(ch) || IsDigit(ch) || ch is '_' or '$')
        {
            Append(ch);
            ch = Read();
        }
        Unread();
        string upper = Encoding.ASCII.GetString([.. _lexem]).ToUpperInvariant();
        _type = upper switch
        {
            "IN" => SirenTokenType.In,
            "BETWEEN" => SirenTokenType.Between,
            _ => SirenTokenType.Identifier,
        };
        _state = State.End;
    }

    private void Number(int ch)
    {
        Sign(ch);
        while (_state != State.End)
        {
            Digits(Read());
            ch = Read();
            if (ch == '.')
            {
                Append(ch);
                ch = Read();
                if (IsDigit(ch))
                {
                    Digits(ch);
                    ch = Read();
                    if (ch is 'e' or 'E')
                    {
                        Exponent(ch);
                    }
                    else
                    {
                        Unread();
                        _type = SirenTokenType.FloatingPoint;
                    }
                }
                else
                {
                    _type = SirenTokenType.FloatingPointError;
                }
            }
            else if (ch is 'e' or 'E')
            {
                Exponent(ch);
            }
            else
            {
                Unread();
                _type = SirenTokenType.Integer;
            }
            _state = State.End;
        }
    }

    private void Exponent(int ch)
    {
        Append(ch);
        Sign(Read());
        if (_state != State.End)
        {
            Digits(Read());
            _type = SirenTokenType.FloatingPoint;
        }
        else
        {
            _type = SirenTokenType.FloatingPointError;
        }
    }

    // A sign not followed by a digit is the operator alone; the character after it is put back either way.
    private void Sign(int ch)
    {
        if (ch is '+' or '-')
        {
            _type = ch == '+' ? SirenTokenType.Sum : SirenTokenType.Sub;
            Append(ch);
            ch = Read();
            if (!IsDigit(ch)) _state = State.End;
        }
        Unread();
    }

    private void Digits(int ch)
    {
        while (IsDigit(ch))
        {
            Append(ch);
            ch = Read();
        }
        Unread();
    }

    private void Comparison(int first, (char Next, SirenTokenType Type) pair, (char Next, SirenTokenType Type)? otherPair, SirenTokenType alone)
    {
        Append(first);
        int ch = Read();
        if (ch == pair.Next)
        {
            Append(ch);
            _type = pair.Type;
        }
        else if (otherPair is { } other && ch == other.Next)
        {
            Append(ch);
            _type = other.Type;
        }
        else
        {
            Unread();
            _type = alone;
        }
        _state = State.End;
    }

    private void Single(int ch, SirenTokenType type)
    {
        Append(ch);
        _type = type;
        _state = State.End;
    }

    private static SirenTokenType? Symbol(int ch) => ch switch
    {
        '(' => SirenTokenType.OpenBrace,
        ')' => SirenTokenType.CloseBrace,
        '{' => SirenTokenType.OpenBlock,
        '}' => SirenTokenType.CloseBlock,
        ',' => SirenTokenType.Comma,
        ';' => SirenTokenType.Semicolon,
        '.' => SirenTokenType.Period,
        '=' => SirenTokenType.Equal,
        '*' => SirenTokenType.Mul,
        '/' => SirenTokenType.Div,
        '%' => SirenTokenType.Percent,
        _ => null,
    };

    private static bool IsLetter(int ch) => ch is >= 'A' and <= 'Z' or >= 'a' and <= 'z';

    private static bool IsDigit(int ch) => ch is >= '0' and <= '9';
}
