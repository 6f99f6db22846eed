namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>Edits of a request that keep its syntax valid but change what it says: field values made
/// of the words the validator looks for, duplicated, dropped or re-cased fields, odd keys, other
/// methods and versions. The answer is not known in advance; the oracle's independent reading of
/// RFC 6455 decides what it must be. This is what reaches the validator's corners, since most
/// byte-level mutations make a head malformed before it is ever decided.</summary>
internal static class FuzzHandshakeFieldMutator
{
    private static readonly string[] Words =
    [
        "websocket", "WebSocket", "WEBSOCKET", "Upgrade", "upgrade", "keep-alive", "close", "h2c", "websocket2",
        "13", "8", "0", "00", "1", "chat", "superchat", "Chat", "", "x", "http://127.0.0.1:8080", "null",
    ];

    private static readonly string[] Separators = [", ", ",", " , ", ",,", ",\t", " "];

    private static readonly string[] ExtraFields =
    [
        "Content-Length: 0", "Content-Length: 00", "Content-Length: 1", "Content-Length:", "Transfer-Encoding: identity",
        "Origin: http://127.0.0.1:8080", "Origin: http://evil.test", "Origin: null", "Sec-WebSocket-Protocol: chat",
        "Sec-WebSocket-Protocol: superchat, chat", "Sec-WebSocket-Protocol: ,chat,", "Host:", "Host: a",
        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8, 13", "Upgrade: websocket", "Connection: upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ];

    private static readonly string[] Methods = ["GET", "get", "Get", "POST", "HEAD", "OPTIONS", "CONNECT"];

    private static readonly string[] Versions = ["HTTP/1.1", "HTTP/1.0", "HTTP/1.9", "HTTP/2.0", "HTTP/0.9", "HTTP/9.9", "HTTP/3.1"];

    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Applies one edit to <paramref name="lines"/> (request line first, then field lines).</summary>
    public static void MutateOnce(List<string> lines, ref FuzzRandom random)
    {
        int field = lines.Count > 1 ? random.Between(1, lines.Count - 1) : -1;
        switch (random.Below(7))
        {
            case 0 when field > 0:
                lines[field] = Name(lines[field]) + ": " + RandomList(ref random);
                break;
            case 1 when field > 0:
                lines[field] = ReCase(Name(lines[field]), ref random) + lines[field][Name(lines[field]).Length..];
                break;
            case 2 when field > 0:
                lines.Insert(random.Between(1, lines.Count), lines[field]);
                break;
            case 3 when field > 0:
                lines.RemoveAt(field);
                break;
            case 4:
                lines.Insert(random.Between(1, lines.Count), random.Pick(ExtraFields));
                break;
            case 5:
                lines.Insert(random.Between(1, lines.Count), "Sec-WebSocket-Key: " + RandomKey(ref random));
                break;
            default:
                string[] parts = lines[0].Split(' ');
                lines[0] = $"{(random.Percent(50) ? random.Pick(Methods) : parts[0])} {parts[1]} {(random.Percent(50) ? random.Pick(Versions) : parts[2])}";
                break;
        }
    }

    private static string Name(string line) => line[..line.IndexOf(':')];

    private static string RandomList(ref FuzzRandom random)
    {
        string list = random.Pick(Words);
        for (int i = random.Below(3); i > 0; i--)
        {
            list += random.Pick(Separators) + random.Pick(Words);
        }
        return list;
    }

    private static string ReCase(string name, ref FuzzRandom random)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Percent(50) ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }

    /// <summary>Mostly well-formed nonces (some with unused bits set), some a character short or
    /// long, some with a character from outside the alphabet.</summary>
    private static string RandomKey(ref FuzzRandom random)
    {
        int length = random.Percent(70) ? 22 : random.Between(20, 24);
        var key = new char[length];
        for (int i = 0; i < length; i++)
        {
            key[i] = Base64Alphabet[random.Below(Base64Alphabet.Length)];
        }
        if (random.Percent(10))
        {
            key[random.Below(length)] = random.Pick(['-', '_', '=', '*', '.']);
        }
        return new string(key) + (random.Percent(85) ? "==" : random.Pick(["=", "===", "", "AA"]));
    }
}
