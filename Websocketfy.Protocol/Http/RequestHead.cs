using System.Text;

namespace Websocketfy.Protocol.Http;

/// <summary>A parsed HTTP/1.1 request head (request line and header fields).</summary>
public sealed class RequestHead
{
    public RequestHead(string method, string target, int versionMajor, int versionMinor,
                       IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Method = method; Target = target; VersionMajor = versionMajor; VersionMinor = versionMinor; Headers = headers;
    }

    public string Method { get; }
    public string Target { get; }
    public int VersionMajor { get; }
    public int VersionMinor { get; }
    /// <summary>Header fields in arrival order; names as sent, values trimmed of OWS.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>All values of a header (case-insensitive name), joined by ", " as RFC 9110 allows; null when absent.</summary>
    public string? GetHeader(string name)
    {
        string? first = null;
        StringBuilder? joined = null;
        foreach (KeyValuePair<string, string> field in Headers)
        {
            if (!IsNamed(field, name))
            {
                continue;
            }
            if (first is null)
            {
                first = field.Value;
            }
            else
            {
                joined ??= new StringBuilder(first);
                joined.Append(", ").Append(field.Value);
            }
        }
        return joined?.ToString() ?? first;
    }

    /// <summary>How many field lines carry this name (case-insensitive). RFC 6455 and RFC 9112 require
    /// some headers (Host, Sec-WebSocket-Key) to appear exactly once; joining would hide duplicates.</summary>
    public int HeaderCount(string name)
    {
        int count = 0;
        foreach (KeyValuePair<string, string> field in Headers)
        {
            if (IsNamed(field, name))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>True when a comma-separated header contains the token (case-insensitive).</summary>
    /// <remarks>Every field line with that name counts, elements are trimmed of OWS, so
    /// "Connection: keep-alive, Upgrade" holds "upgrade".</remarks>
    public bool HeaderHasToken(string name, string token)
    {
        foreach (KeyValuePair<string, string> field in Headers)
        {
            if (!IsNamed(field, name))
            {
                continue;
            }
            var elements = new HeaderListReader(field.Value);
            while (elements.TryNext(out ReadOnlySpan<char> element))
            {
                if (element.Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsNamed(KeyValuePair<string, string> field, string name) =>
        string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase);
}
