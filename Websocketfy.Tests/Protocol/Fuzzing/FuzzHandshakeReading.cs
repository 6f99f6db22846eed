using System.Security.Cryptography;
using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>What a handshake decision should be.</summary>
/// <param name="Broken">The rule that decided a refusal, for the report.</param>
internal readonly record struct ReadDecision(HandshakeOutcome Outcome, int StatusCode, string? AcceptKey, string? Subprotocol, string Broken);

/// <summary>A second, independent reading of RFC 6455 section 4.2.1 in the check order that
/// <see cref="HandshakeValidator"/> documents, written from the head's raw field list only (none of
/// <see cref="RequestHead"/>'s lookup helpers), so the validator can be compared with it on any head.</summary>
internal static class FuzzHandshakeReading
{
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static ReadDecision Read(RequestHead head, HandshakePolicy policy)
    {
        List<string> upgrade = Values(head, "Upgrade");
        if (upgrade.Count == 0)
        {
            return new ReadDecision(HandshakeOutcome.PlainHttp, 0, null, null, "");
        }
        if (head.Method != "GET")
        {
            return Refuse(405, "method");
        }
        if (head.VersionMajor > 1)
        {
            return Refuse(505, "version");
        }
        if (head.VersionMajor < 1 || head.VersionMinor < 1)
        {
            return Refuse(400, "version below 1.1");
        }

        List<string> host = Values(head, "Host");
        List<string> key = Values(head, "Sec-WebSocket-Key");
        List<string> contentLength = Values(head, "Content-Length");
        string? broken =
            !HasToken(upgrade, "websocket") ? "Upgrade"
            : !HasToken(Values(head, "Connection"), "upgrade") ? "Connection"
            : host.Count != 1 || host[0].Length == 0 ? "Host"
            : key.Count != 1 || !IsNonce(key[0]) ? "Sec-WebSocket-Key"
            : Values(head, "Transfer-Encoding").Count > 0 ? "Transfer-Encoding"
            : contentLength.Count > 0 && string.Join(", ", contentLength) != "0" ? "Content-Length"
            : Values(head, "Origin").Count > 1 ? "Origin repeated"
            : null;
        if (broken is not null)
        {
            return Refuse(400, broken);
        }

        List<string> version = Values(head, "Sec-WebSocket-Version");
        if (version.Count != 1 || version[0] != "13")
        {
            return Refuse(426, "Sec-WebSocket-Version");
        }
        List<string> origin = Values(head, "Origin");
        if (policy.IsOriginAllowed is { } allowed && !allowed(origin.Count == 0 ? null : origin[0]))
        {
            return Refuse(403, "Origin");
        }

        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key[0] + KeyGuid)));
        return new ReadDecision(HandshakeOutcome.Upgrade, 101, accept, ChooseSubprotocol(head, policy), "");
    }

    private static ReadDecision Refuse(int statusCode, string broken) =>
        new(HandshakeOutcome.Reject, statusCode, null, null, broken);

    /// <summary>The values of every field line with this name (names compare case-insensitively).</summary>
    private static List<string> Values(RequestHead head, string name)
    {
        var values = new List<string>();
        foreach (KeyValuePair<string, string> field in head.Headers)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                values.Add(field.Value);
            }
        }
        return values;
    }

    /// <summary>RFC 9110 section 5.6.1 lists: comma-separated, elements trimmed of SP and HTAB.</summary>
    private static IEnumerable<string> Elements(IEnumerable<string> values) =>
        values.SelectMany(value => value.Split(','))
            .Select(element => element.Trim(' ', '\t'))
            .Where(element => element.Length > 0);

    private static bool HasToken(List<string> values, string token) =>
        Elements(values).Any(element => string.Equals(element, token, StringComparison.OrdinalIgnoreCase));

    /// <summary>Section 4.2.1 item 5: base64 that decodes to 16 bytes, so 22 characters of the
    /// alphabet and "==". The 4 unused bits of the last character are not checked: decoding ignores
    /// them, and the section asks only for the decoded length.</summary>
    private static bool IsNonce(string key)
    {
        if (key.Length != 24 || !key.EndsWith("==", StringComparison.Ordinal))
        {
            return false;
        }
        for (int i = 0; i < 22; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(key[i]) || key[i] is '+' or '/'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The client's first offer that the server speaks (ordinal), or none.</summary>
    private static string? ChooseSubprotocol(RequestHead head, HandshakePolicy policy) =>
        Elements(Values(head, "Sec-WebSocket-Protocol")).FirstOrDefault(offer => policy.SupportedSubprotocols.Contains(offer));
}
