using System.Text;
using static Websocketfy.Protocol.Http.HttpSyntax;

namespace Websocketfy.Protocol.Http;

public enum HeadParseStatus
{
    /// <summary>All input consumed; the head is not complete yet.</summary>
    NeedMoreData,
    /// <summary>The head is complete; <see cref="RequestHeadParser.Head"/> is set.</summary>
    Complete,
    /// <summary>The head exceeds the configured limit (answer 431).</summary>
    TooLarge,
    /// <summary>Not a valid HTTP/1.x request head (answer 400).</summary>
    Malformed,
}

/// <summary>
/// Incremental, bounded parser of one HTTP request head. Bytes may arrive split anywhere
/// (one at a time works). It never consumes bytes past the blank line that ends the head.
/// </summary>
/// <remarks>
/// Only the current line is buffered; every byte is looked at once when it arrives (a vectorised
/// search for the line end) and once more when its line is complete, so the cost is linear in
/// the head size however the input is split.
/// <para>Line rules (RFC 9112 section 2.2): a line ends with CRLF or with a bare LF (a recipient
/// MAY accept LF; there is no body and no HTTP hop behind us, so the usual smuggling concern
/// does not arise). A CR not followed by LF is Malformed. Empty lines before the request line
/// are skipped (RFC 9112 SHOULD). A line starting with SP or HTAB after the request line is
/// obsolete line folding, or whitespace before the first field: Malformed.</para>
/// <para>Limit: the head, counting its terminating blank line, may be at most maxHeadBytes long.
/// TooLarge is reported as soon as maxHeadBytes bytes have been consumed without completing the
/// head; no byte past the limit is examined.</para>
/// <para>Once Feed has returned Complete, TooLarge or Malformed, further calls return the same
/// status and consume nothing. On TooLarge and Malformed, <c>consumed</c> counts the bytes read up
/// to the point of failure; the caller answers and closes.</para>
/// </remarks>
public sealed class RequestHeadParser
{
    public const int DefaultMaxHeadBytes = 8192;

    /// <summary>A typical header line fits; longer lines grow the buffer up to the head limit.</summary>
    private const int InitialLineCapacity = 256;

    private readonly int _maxHeadBytes;
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private byte[] _line;
    private int _lineLength;
    private int _headBytes;
    private bool _afterCR;
    private bool _requestLineSeen;
    private string _method = "";
    private string _target = "";
    private int _versionMajor;
    private int _versionMinor;
    private HeadParseStatus? _final;
    private RequestHead? _head;

    public RequestHeadParser(int maxHeadBytes = DefaultMaxHeadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeadBytes);
        _maxHeadBytes = maxHeadBytes;
        _line = new byte[Math.Min(InitialLineCapacity, maxHeadBytes)];
    }

    /// <summary>Feeds bytes. <paramref name="consumed"/> tells how many were used; on Complete,
    /// input[consumed..] are bytes that followed the head (WebSocket frames) and belong to the caller.</summary>
    public HeadParseStatus Feed(ReadOnlySpan<byte> input, out int consumed)
    {
        if (_final is { } done)
        {
            consumed = 0;
            return done;
        }

        int pos = 0;
        while (pos < input.Length)
        {
            // Never look past the limit: the window ends where the head would become too large.
            ReadOnlySpan<byte> window = input.Slice(pos, Math.Min(input.Length - pos, _maxHeadBytes - _headBytes));
            bool lineEnded;
            if (_afterCR)
            {
                _afterCR = false;
                pos++;
                _headBytes++;
                if (window[0] != LF)
                {
                    return Finish(HeadParseStatus.Malformed, pos, out consumed);
                }
                lineEnded = true;
            }
            else
            {
                int stop = window.IndexOfAny(CR, LF);
                int taken = stop < 0 ? window.Length : stop;
                AppendToLine(window[..taken]);
                pos += taken;
                _headBytes += taken;
                lineEnded = false;
                if (stop >= 0)
                {
                    pos++;
                    _headBytes++;
                    _afterCR = window[stop] == CR;
                    lineEnded = !_afterCR;
                }
            }

            if (lineEnded)
            {
                HeadParseStatus lineStatus = EndLine();
                if (lineStatus != HeadParseStatus.NeedMoreData)
                {
                    return Finish(lineStatus, pos, out consumed);
                }
            }
            if (_headBytes == _maxHeadBytes)
            {
                return Finish(HeadParseStatus.TooLarge, pos, out consumed);
            }
        }

        consumed = pos;
        return HeadParseStatus.NeedMoreData;
    }

    /// <summary>The parsed head once Feed returned Complete.</summary>
    public RequestHead? Head => _head;

    private HeadParseStatus Finish(HeadParseStatus status, int pos, out int consumed)
    {
        _final = status;
        _line = [];
        if (status == HeadParseStatus.Complete)
        {
            _head = new RequestHead(_method, _target, _versionMajor, _versionMinor, _headers.AsReadOnly());
        }
        consumed = pos;
        return status;
    }

    private void AppendToLine(ReadOnlySpan<byte> bytes)
    {
        int needed = _lineLength + bytes.Length;
        if (needed > _line.Length)
        {
            // needed never exceeds the head limit, because the line is part of the head.
            Array.Resize(ref _line, Math.Min(Math.Max(needed, _line.Length * 2), _maxHeadBytes));
        }
        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = needed;
    }

    /// <summary>Interprets the line just ended: NeedMoreData to go on, Complete at the blank line, or Malformed.</summary>
    private HeadParseStatus EndLine()
    {
        ReadOnlySpan<byte> line = _line.AsSpan(0, _lineLength);
        _lineLength = 0;

        if (!_requestLineSeen)
        {
            if (line.IsEmpty)
            {
                return HeadParseStatus.NeedMoreData;
            }
            _requestLineSeen = true;
            return ParseRequestLine(line) ? HeadParseStatus.NeedMoreData : HeadParseStatus.Malformed;
        }
        if (line.IsEmpty)
        {
            return HeadParseStatus.Complete;
        }
        return ParseField(line) ? HeadParseStatus.NeedMoreData : HeadParseStatus.Malformed;
    }

    /// <summary>method SP request-target SP HTTP-version (RFC 9112 section 3), single spaces only.</summary>
    private bool ParseRequestLine(ReadOnlySpan<byte> line)
    {
        int firstSpace = line.IndexOf(SP);
        if (firstSpace < 0 || !IsToken(line[..firstSpace]))
        {
            return false;
        }
        ReadOnlySpan<byte> rest = line[(firstSpace + 1)..];
        int secondSpace = rest.IndexOf(SP);
        if (secondSpace < 0 || !IsRequestTarget(rest[..secondSpace]))
        {
            return false;
        }
        if (!TryParseVersion(rest[(secondSpace + 1)..], out _versionMajor, out _versionMinor))
        {
            return false;
        }
        _method = Encoding.ASCII.GetString(line[..firstSpace]);
        _target = Encoding.ASCII.GetString(rest[..secondSpace]);
        return true;
    }

    /// <summary>HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 section 2.3).</summary>
    private static bool TryParseVersion(ReadOnlySpan<byte> text, out int major, out int minor)
    {
        major = minor = 0;
        if (text.Length != 8 || !text.StartsWith("HTTP/"u8) || text[6] != (byte)'.'
            || !char.IsAsciiDigit((char)text[5]) || !char.IsAsciiDigit((char)text[7]))
        {
            return false;
        }
        major = text[5] - '0';
        minor = text[7] - '0';
        return true;
    }

    /// <summary>field-name ":" OWS field-value OWS (RFC 9112 section 5). The name must be a token
    /// directly followed by the colon: whitespace there is a MUST-reject (section 5.1). The same token
    /// rule refuses a line that starts with SP or HTAB, which is obsolete line folding (section 5.2)
    /// or whitespace between the request line and the first field (section 2.2).</summary>
    private bool ParseField(ReadOnlySpan<byte> line)
    {
        int colon = line.IndexOf((byte)':');
        if (colon < 0 || !IsToken(line[..colon]))
        {
            return false;
        }
        ReadOnlySpan<byte> value = TrimOws(line[(colon + 1)..]);
        if (!IsFieldValue(value))
        {
            return false;
        }
        _headers.Add(new KeyValuePair<string, string>(
            Encoding.ASCII.GetString(line[..colon]), Encoding.ASCII.GetString(value)));
        return true;
    }
}
