using System.Buffers;
using System.Text;

namespace Websocketfy.Protocol.Http;

/// <summary>Character classes of RFC 9110 section 5.6 and RFC 9112, as vectorisable sets.</summary>
internal static class HttpSyntax
{
    public const byte CR = (byte)'\r';
    public const byte LF = (byte)'\n';
    public const byte SP = (byte)' ';

    private const string TokenChars =
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>tchar of RFC 9110 section 5.6.2.</summary>
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(Encoding.ASCII.GetBytes(TokenChars));

    private static readonly SearchValues<char> TokenCharSet = SearchValues.Create(TokenChars);

    /// <summary>What we let through in a field value: visible ASCII, SP and HTAB. RFC 9110 also
    /// tolerates obs-text (0x80-0xFF); we refuse it so every value is plain ASCII and cannot smuggle
    /// control bytes (a forged line in a log) or ambiguous encodings.</summary>
    private static readonly SearchValues<byte> FieldValueBytes = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    public static bool IsToken(ReadOnlySpan<byte> span) => !span.IsEmpty && !span.ContainsAnyExcept(TokenBytes);

    public static bool IsToken(ReadOnlySpan<char> span) => !span.IsEmpty && !span.ContainsAnyExcept(TokenCharSet);

    public static bool IsFieldValue(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept(FieldValueBytes);

    /// <summary>A request-target is visible ASCII without spaces (RFC 9112 section 3.2 forms all fit).</summary>
    public static bool IsRequestTarget(ReadOnlySpan<byte> span) =>
        !span.IsEmpty && !span.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E);

    public static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> span) => span.Trim(" \t"u8);

    public static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> span) => span.Trim(" \t");

    /// <summary>A header value that goes out on the wire: no CR, LF or other control byte that
    /// could end the line early and inject a header of the peer's choosing.</summary>
    public static bool IsSafeOutgoingValue(ReadOnlySpan<char> span)
    {
        foreach (char c in span)
        {
            if (c != '\t' && (c < ' ' || c > '~'))
            {
                return false;
            }
        }
        return true;
    }
}
