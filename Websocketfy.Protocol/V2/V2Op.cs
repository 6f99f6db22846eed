namespace Websocketfy.Protocol.V2;

/// <summary>What a v2 request asks for (its "op" member).</summary>
public enum V2Op
{
    /// <summary>Relay SQL text to SiREN; the final message carries its reply.</summary>
    Sql,
    /// <summary>Send a byte range of a file as chunks, between a start and a done message.</summary>
    Get,
    /// <summary>A file's size and modification time (and SHA-256), without its bytes.</summary>
    Stat,
    /// <summary>Stop another request still in flight.</summary>
    Cancel,
}
