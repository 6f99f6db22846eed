namespace Websocketfy.Protocol.V2;

/// <summary>The "code" of a v2 error reply (PROTOCOL-V2.md): what a client switches on.</summary>
public static class V2ErrorCode
{
    /// <summary>Not a JSON object, no valid id, a bad or missing field, an unknown op.</summary>
    public const string BadRequest = "bad_request";
    /// <summary>The id is already used by a request still in flight.</summary>
    public const string DuplicateId = "duplicate_id";
    /// <summary>v2-max-in-flight requests are in flight already.</summary>
    public const string TooMany = "too_many";
    /// <summary>A cancel whose target is not in flight.</summary>
    public const string UnknownId = "unknown_id";
    /// <summary>Every reason a file cannot be served ("File not found!").</summary>
    public const string NotFound = "not_found";
    /// <summary>An empty path ("File name is missing!").</summary>
    public const string MissingPath = "missing_path";
    /// <summary>get's offset is beyond the end of the file.</summary>
    public const string BadRange = "bad_range";
    /// <summary>The file's size (or modification time, for stat's hash) changed while it was read.</summary>
    public const string Changed = "changed";
    /// <summary>Stopped by a cancel request.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>SiREN answered "Command failed."; the message is its whole text.</summary>
    public const string SirenError = "siren_error";
    public const string SirenUnavailable = "siren_unavailable";
    public const string SirenTimeout = "siren_timeout";
    public const string SirenClosed = "siren_closed";
    /// <summary>The connection's role lacks the permission the request needs (files, sql-read, sql-write).</summary>
    public const string PermissionDenied = "permission_denied";
    /// <summary>SiREN's reply exceeded max-reply-size.</summary>
    public const string TooLarge = "too_large";
}
