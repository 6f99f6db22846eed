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
    public string? GetHeader(string name) => throw new NotImplementedException();

    /// <summary>True when a comma-separated header contains the token (case-insensitive).</summary>
    public bool HeaderHasToken(string name, string token) => throw new NotImplementedException();
}
