namespace Websocketfy.Protocol.Http;

/// <summary>
/// Walks the elements of a comma-separated header value (RFC 9110 section 5.6.1):
/// each element trimmed of OWS, empty elements skipped ("a, , b" holds a and b).
/// Quoted strings are not interpreted: the lists we read (Connection, Upgrade,
/// Sec-WebSocket-Protocol) hold plain tokens.
/// </summary>
internal ref struct HeaderListReader
{
    private ReadOnlySpan<char> _rest;

    public HeaderListReader(ReadOnlySpan<char> value) => _rest = value;

    public bool TryNext(out ReadOnlySpan<char> element)
    {
        while (!_rest.IsEmpty)
        {
            int comma = _rest.IndexOf(',');
            ReadOnlySpan<char> raw = comma < 0 ? _rest : _rest[..comma];
            _rest = comma < 0 ? [] : _rest[(comma + 1)..];
            element = HttpSyntax.TrimOws(raw);
            if (!element.IsEmpty)
            {
                return true;
            }
        }
        element = default;
        return false;
    }
}
