using System.Text;
using System.Text.Unicode;

namespace Websocketfy.Protocol.Commands;

/// <summary>PROTOCOL.md section 1: a client message's first token decides its kind.</summary>
/// <remarks>
/// Only the leading white space, the first token and (for a token that could make a blank or QUIT
/// command) the white space after it are decoded, so a 1 MiB SQL message costs a few bytes of work.
/// Bytes that are not valid UTF-8 decode as U+FFFD, which is not white space: a binary SQL message
/// is still classified by its valid prefix and relayed unchanged.
/// </remarks>
public static class CommandClassifier
{
    // The longest token that can mean anything but SQL is "REQUEST"; a longer one is SQL without
    // being read to its end.
    private const int LongestKeyword = 7;

    public static Command Classify(ReadOnlySpan<byte> message)
    {
        int tokenStart = SkipWhiteSpace(message, 0);
        if (tokenStart == message.Length)
        {
            return new Command(CommandKind.Blank, null);
        }

        int tokenEnd = FindTokenEnd(message, tokenStart, LongestKeyword);
        if (tokenEnd < 0)
        {
            return new Command(CommandKind.Sql, null);
        }

        ReadOnlySpan<byte> token = message[tokenStart..tokenEnd];
        if (Ascii.EqualsIgnoreCase(token, "REQUEST"u8))
        {
            return new Command(CommandKind.FileRequest, PathAfter(message, tokenEnd));
        }

        if (Ascii.EqualsIgnoreCase(token, "QUIT"u8))
        {
            return new Command(CommandKind.Quit, null);
        }

        // SiREN normalises (trim, collapse white space) and then chops one ';'. Only two single-token
        // texts survive that as something special: ";" (blank) and "QUIT;" (its QUIT). With more than
        // one token the normalised text keeps an inner space, so it is neither.
        bool onlyToken = SkipWhiteSpace(message, tokenEnd) == message.Length;
        if (onlyToken && token.SequenceEqual(";"u8))
        {
            return new Command(CommandKind.Blank, null);
        }

        if (onlyToken && Ascii.EqualsIgnoreCase(token, "QUIT;"u8))
        {
            return new Command(CommandKind.Quit, null);
        }

        return new Command(CommandKind.Sql, null);
    }

    /// <summary>The index of the first byte at or after <paramref name="start"/> that does not begin a
    /// white-space code point (message length when none).</summary>
    internal static int SkipWhiteSpace(ReadOnlySpan<byte> message, int start)
    {
        int index = start;
        while (index < message.Length)
        {
            int length = WhiteSpaceLength(message[index..]);
            if (length == 0)
            {
                break;
            }

            index += length;
        }

        return index;
    }

    /// <summary>The end of the token starting at <paramref name="start"/>, or -1 when the token is
    /// longer than <paramref name="limit"/> bytes.</summary>
    private static int FindTokenEnd(ReadOnlySpan<byte> message, int start, int limit)
    {
        int index = start;
        while (index < message.Length && WhiteSpaceLength(message[index..]) == 0)
        {
            if (index - start >= limit)
            {
                return -1;
            }

            index += CodePointLength(message[index..]);
        }

        return index - start > limit ? -1 : index;
    }

    /// <summary>Byte length of the white-space code point at the start of <paramref name="text"/>, 0 if
    /// the first code point is not white space (an invalid sequence decodes as U+FFFD, never white space).</summary>
    private static int WhiteSpaceLength(ReadOnlySpan<byte> text)
    {
        byte first = text[0];
        if (first < 0x80)
        {
            return first == (byte)' ' || first - (uint)'\t' <= '\r' - '\t' ? 1 : 0;
        }

        Rune.DecodeFromUtf8(text, out Rune rune, out int consumed);
        return SirenWhiteSpace.IsWhiteSpace(rune) ? consumed : 0;
    }

    private static int CodePointLength(ReadOnlySpan<byte> text)
    {
        if (text[0] < 0x80)
        {
            return 1;
        }

        Rune.DecodeFromUtf8(text, out _, out int consumed);
        return consumed;
    }

    /// <summary>The rest of the message after REQUEST, trimmed of white space (inner spaces kept);
    /// null when the message is not valid UTF-8, so the path is refused rather than guessed.</summary>
    private static string? PathAfter(ReadOnlySpan<byte> message, int tokenEnd)
    {
        if (!Utf8.IsValid(message))
        {
            return null;
        }

        int start = SkipWhiteSpace(message, tokenEnd);
        int end = message.Length;
        while (end > start)
        {
            Rune.DecodeLastFromUtf8(message[start..end], out Rune last, out int consumed);
            if (!SirenWhiteSpace.IsWhiteSpace(last))
            {
                break;
            }

            end -= consumed;
        }

        return Encoding.UTF8.GetString(message[start..end]);
    }
}
