namespace Websocketfy.Daemon.Audit;

/// <summary>One line of the audit trail: a connection admitted or refused, or one command and what came
/// of it. Fields that do not apply stay null and are left out of the line.</summary>
internal sealed record AuditRecord
{
    public required DateTimeOffset Time { get; init; }
    /// <summary>"connect" (an upgrade admitted or refused), "sql", "file", "quit" or "blank"; websocketfy.v2 adds
    /// "stat" and "cancel" (its get is "file").</summary>
    public required string Event { get; init; }
    /// <summary>The identity (token name or JWT subject); null for a refusal before one was known.</summary>
    public string? Identity { get; init; }
    public string? Role { get; init; }
    /// <summary>The client's address (the real one when a trusted proxy stands in between).</summary>
    public required string Client { get; init; }
    /// <summary>For a websocketfy.v2 request: its id (null for the classic protocol, and for a message without one).</summary>
    public int? RequestId { get; init; }
    /// <summary>"ok", "denied" (the role does not allow it), "refused" (connect; a malformed or refused v2 request),
    /// "not found", "failed", "closed", "cancelled" (v2).</summary>
    public required string Outcome { get; init; }
    /// <summary>More about the outcome: the refusal reason, the failure ("SiREN server is unavailable.").</summary>
    public string? Detail { get; init; }
    /// <summary>For connect: the HTTP status answered (101, 401, 403, 429).</summary>
    public int? Status { get; init; }
    /// <summary>For files: the requested path as given.</summary>
    public string? Path { get; init; }
    /// <summary>For files: payload bytes sent; for SQL: reply bytes relayed.</summary>
    public long? Bytes { get; init; }
    /// <summary>For SQL: the first keyword as SiREN reads it ("" when there is none).</summary>
    public string? Statement { get; init; }
    /// <summary>For SQL: SHA-256 of the command's bytes, lower-case hex (lets an auditor match a known text).</summary>
    public string? SqlSha256 { get; init; }
    /// <summary>For SQL with --audit-sql-text: the text itself (may hold patient identifiers).</summary>
    public string? SqlText { get; init; }
    public double? DurationMs { get; init; }
}
