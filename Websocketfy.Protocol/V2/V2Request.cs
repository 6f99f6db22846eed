namespace Websocketfy.Protocol.V2;

/// <summary>One valid v2 request, as the parser read it. Only the members of its op are meaningful.</summary>
public sealed class V2Request
{
    public required int Id { get; init; }
    public required V2Op Op { get; init; }

    /// <summary>sql: the statement, UTF-8, as the JSON string decoded (relayed to SiREN unchanged).</summary>
    public byte[] Sql { get; init; } = [];

    /// <summary>get, stat: the path as sent (not yet trimmed or checked; the classic rules apply later).</summary>
    public string Path { get; init; } = "";

    /// <summary>get: the first byte wanted (default 0).</summary>
    public long Offset { get; init; }

    /// <summary>get: how many bytes at most; null = to the end of the file.</summary>
    public long? Length { get; init; }

    /// <summary>get, stat: whether the reply carries the SHA-256 of the bytes (default false).</summary>
    public bool Sha256 { get; init; }

    /// <summary>cancel: the id of the request to stop.</summary>
    public int Target { get; init; }

    /// <summary>The request's op as it appears on the wire ("sql", "get", ...), for logs and metrics.</summary>
    public string OpName => V2RequestParser.NameOf(Op);
}
