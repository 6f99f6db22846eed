using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>A meaningful change to a valid request whose answer is known: either it must not change
/// the decision (case of names, padding, line ends) or it must produce one specific refusal.</summary>
internal enum HandshakeEdit
{
    None,
    LowercaseNames,
    PadValues,
    LeadingBlankLines,
    BareLineFeeds,
    SplitConnectionTokens,
    ContentLengthZero,
    DropHost,
    DuplicateHost,
    EmptyHost,
    DropKey,
    ShortKey,
    DuplicateKey,
    Version8,
    DropVersion,
    Post,
    Http10,
    Http20,
    ContentLength,
    TransferEncoding,
    UpgradeH2c,
    DropUpgrade,
    DropConnection,
    ConnectionKeepAliveOnly,
    DuplicateOrigin,
}

internal static class FuzzHandshakeEdits
{
    /// <summary>Edits that keep a plain GET plain (and an upgrade valid).</summary>
    public static readonly HandshakeEdit[] Neutral =
    [
        HandshakeEdit.LowercaseNames, HandshakeEdit.PadValues, HandshakeEdit.LeadingBlankLines,
        HandshakeEdit.BareLineFeeds, HandshakeEdit.ContentLengthZero,
    ];

    public static readonly HandshakeEdit[] ForUpgrades = Enum.GetValues<HandshakeEdit>()[1..];

    /// <summary>The status code an edit forces on a valid upgrade, or null when it changes nothing.
    /// Codes follow <see cref="HandshakeValidator"/>'s documented check order; each edit breaks one
    /// rule only, so the order matters only against the origin policy (403 comes last).</summary>
    public static int? ForcedStatus(HandshakeEdit edit) => edit switch
    {
        HandshakeEdit.DropUpgrade => 0,
        HandshakeEdit.Post => 405,
        HandshakeEdit.Http20 => 505,
        HandshakeEdit.Version8 or HandshakeEdit.DropVersion => 426,
        HandshakeEdit.Http10 or HandshakeEdit.DropHost or HandshakeEdit.DuplicateHost or HandshakeEdit.EmptyHost
            or HandshakeEdit.DropKey or HandshakeEdit.ShortKey or HandshakeEdit.DuplicateKey
            or HandshakeEdit.ContentLength or HandshakeEdit.TransferEncoding or HandshakeEdit.UpgradeH2c
            or HandshakeEdit.DropConnection or HandshakeEdit.ConnectionKeepAliveOnly
            or HandshakeEdit.DuplicateOrigin => 400,
        _ => null,
    };

    /// <summary>The lines of <paramref name="sample"/> with the edit applied (line ends and leading
    /// blank lines are the byte builder's business).</summary>
    public static List<string> Apply(HandshakeSample sample, HandshakeEdit edit)
    {
        var lines = new List<string>(sample.Lines);
        switch (edit)
        {
            case HandshakeEdit.LowercaseNames:
                for (int i = 1; i < lines.Count; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    lines[i] = lines[i][..colon].ToLowerInvariant() + lines[i][colon..];
                }
                break;
            case HandshakeEdit.PadValues:
                for (int i = 1; i < lines.Count; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    lines[i] = lines[i][..(colon + 1)] + " \t " + lines[i][(colon + 1)..].Trim() + "\t ";
                }
                break;
            case HandshakeEdit.SplitConnectionTokens:
                Replace(lines, "Connection", "keep-alive");
                lines.Add("Connection: Upgrade");
                break;
            case HandshakeEdit.ContentLengthZero:
                lines.Add("Content-Length: 0");
                break;
            case HandshakeEdit.DropHost:
                Remove(lines, "Host");
                break;
            case HandshakeEdit.DuplicateHost:
                lines.Add("Host: other.test");
                break;
            case HandshakeEdit.EmptyHost:
                Replace(lines, "Host", "");
                break;
            case HandshakeEdit.DropKey:
                Remove(lines, "Sec-WebSocket-Key");
                break;
            case HandshakeEdit.ShortKey:
                Replace(lines, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ");
                break;
            case HandshakeEdit.DuplicateKey:
                lines.Add("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==");
                break;
            case HandshakeEdit.Version8:
                Replace(lines, "Sec-WebSocket-Version", "8");
                break;
            case HandshakeEdit.DropVersion:
                Remove(lines, "Sec-WebSocket-Version");
                break;
            case HandshakeEdit.Post:
                lines[0] = "POST" + lines[0][3..];
                break;
            case HandshakeEdit.Http10:
                lines[0] = lines[0][..^3] + "1.0";
                break;
            case HandshakeEdit.Http20:
                lines[0] = lines[0][..^3] + "2.0";
                break;
            case HandshakeEdit.ContentLength:
                lines.Add("Content-Length: 5");
                break;
            case HandshakeEdit.TransferEncoding:
                lines.Add("Transfer-Encoding: chunked");
                break;
            case HandshakeEdit.UpgradeH2c:
                Replace(lines, "Upgrade", "h2c");
                break;
            case HandshakeEdit.DropUpgrade:
                Remove(lines, "Upgrade");
                break;
            case HandshakeEdit.DropConnection:
                Remove(lines, "Connection");
                break;
            case HandshakeEdit.ConnectionKeepAliveOnly:
                Replace(lines, "Connection", "keep-alive");
                break;
            case HandshakeEdit.DuplicateOrigin:
                lines.Add("Origin: " + FuzzHandshakeCorpus.PageOrigin);
                if (!sample.HasOrigin)
                {
                    lines.Add("Origin: " + FuzzHandshakeCorpus.PageOrigin);
                }
                break;
        }
        return lines;
    }

    private static int IndexOf(List<string> lines, string name)
    {
        for (int i = 1; i < lines.Count; i++)
        {
            if (lines[i].StartsWith(name + ":", StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"The sample has no {name} line.");
    }

    private static void Replace(List<string> lines, string name, string value) =>
        lines[IndexOf(lines, name)] = name + ": " + value;

    private static void Remove(List<string> lines, string name) => lines.RemoveAt(IndexOf(lines, name));
}
