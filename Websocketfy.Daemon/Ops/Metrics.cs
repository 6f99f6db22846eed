using System.Globalization;
using System.Text;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The one place that counts everything. Every counter is a plain field updated with Interlocked,
/// so hot paths pay one atomic add; /metrics renders them in the Prometheus text format.
/// </summary>
public sealed class Metrics
{
    private long _connectionsAccepted, _connectionsRejected, _connectionsActive, _handshakesFailed, _proxyHeadersRejected;
    private long _commandsFile, _commandsSql, _commandsBlank, _commandsQuit;
    private long _fileBytesSent, _sqlReplyBytes, _filesNotFound, _sqlFailures;
    private long _backendConnectionsOpen, _backendConnectionsOpened, _backendConnectionsDiscarded;
    private long _openFiles, _spoolFilesOpen, _bytesReceived, _bytesSent, _plainHttpRequests;
    private readonly long[] _closeCodes = new long[CloseCodeSlots.Length];
    private readonly long[] _authFailures = new long[AuthFailureSlots.Length];
    private long _deniedFiles, _deniedSqlRead, _deniedSqlWrite;
    private long _auditLinesWritten, _auditLinesLost, _auditFailing;

    // Every refusal reason of Auth.AuthFailure but None, in enum order.
    private static readonly Auth.AuthFailure[] AuthFailureSlots =
        [Auth.AuthFailure.Missing, Auth.AuthFailure.Invalid, Auth.AuthFailure.Expired, Auth.AuthFailure.Forbidden, Auth.AuthFailure.RateLimited];

    // The close codes worth a series of their own; anything else lands in "other".
    private static readonly ushort[] CloseCodeSlots = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 0];

    public void ConnectionAccepted() { Interlocked.Increment(ref _connectionsAccepted); Interlocked.Increment(ref _connectionsActive); }
    public void ConnectionEnded() => Interlocked.Decrement(ref _connectionsActive);
    public void ConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);
    public void HandshakeFailed() => Interlocked.Increment(ref _handshakesFailed);
    public void ProxyHeaderRejected() => Interlocked.Increment(ref _proxyHeadersRejected);
    public void PlainHttpRequest() => Interlocked.Increment(ref _plainHttpRequests);

    public void FileCommand() => Interlocked.Increment(ref _commandsFile);
    public void SqlCommand() => Interlocked.Increment(ref _commandsSql);
    public void BlankCommand() => Interlocked.Increment(ref _commandsBlank);
    public void QuitCommand() => Interlocked.Increment(ref _commandsQuit);
    public void FileNotFound() => Interlocked.Increment(ref _filesNotFound);
    public void SqlFailure() => Interlocked.Increment(ref _sqlFailures);
    public void FileBytes(long n) => Interlocked.Add(ref _fileBytesSent, n);
    public void SqlReplyBytes(long n) => Interlocked.Add(ref _sqlReplyBytes, n);
    public void BytesReceived(long n) => Interlocked.Add(ref _bytesReceived, n);
    public void BytesSent(long n) => Interlocked.Add(ref _bytesSent, n);

    public void BackendOpened() { Interlocked.Increment(ref _backendConnectionsOpened); Interlocked.Increment(ref _backendConnectionsOpen); }
    public void BackendClosed(bool discarded)
    {
        Interlocked.Decrement(ref _backendConnectionsOpen);
        if (discarded) Interlocked.Increment(ref _backendConnectionsDiscarded);
    }

    public void FileOpened() => Interlocked.Increment(ref _openFiles);
    public void FileClosed() => Interlocked.Decrement(ref _openFiles);
    public void SpoolFileOpened() => Interlocked.Increment(ref _spoolFilesOpen);
    public void SpoolFileClosed() => Interlocked.Decrement(ref _spoolFilesOpen);

    public void Closed(ushort code)
    {
        int slot = Array.IndexOf(CloseCodeSlots, code);
        Interlocked.Increment(ref _closeCodes[slot < 0 ? CloseCodeSlots.Length - 1 : slot]);
    }

    internal void AuthFailed(Auth.AuthFailure reason) => Interlocked.Increment(ref _authFailures[Array.IndexOf(AuthFailureSlots, reason)]);

    internal void PermissionDenied(Protocol.Access.Permissions needed)
    {
        switch (needed)
        {
            case Protocol.Access.Permissions.Files: Interlocked.Increment(ref _deniedFiles); break;
            case Protocol.Access.Permissions.SqlRead: Interlocked.Increment(ref _deniedSqlRead); break;
            default: Interlocked.Increment(ref _deniedSqlWrite); break;
        }
    }

    public void AuditLinesWritten(long n) => Interlocked.Add(ref _auditLinesWritten, n);
    public void AuditLinesLost(long n) => Interlocked.Add(ref _auditLinesLost, n);
    public void AuditFailing(bool failing) => Interlocked.Exchange(ref _auditFailing, failing ? 1 : 0);

    public long ActiveConnections => Interlocked.Read(ref _connectionsActive);
    public long OpenBackendConnections => Interlocked.Read(ref _backendConnectionsOpen);
    public long OpenFiles => Interlocked.Read(ref _openFiles);
    public long OpenSpoolFiles => Interlocked.Read(ref _spoolFilesOpen);

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public string RenderPrometheus(long idleBackendConnections)
    {
        var text = new StringBuilder(2048);
        Counter(text, "websocketfy_connections_accepted_total", "TCP connections accepted.", _connectionsAccepted);
        Counter(text, "websocketfy_connections_rejected_total", "Connections refused by a connection limit (503).", _connectionsRejected);
        Gauge(text, "websocketfy_connections_active", "Connections currently open.", _connectionsActive);
        Counter(text, "websocketfy_handshakes_failed_total", "Upgrade requests answered with a 4xx.", _handshakesFailed);
        Counter(text, "websocketfy_proxy_headers_rejected_total", "Connections from trusted proxies dropped for a missing or invalid PROXY protocol header.", _proxyHeadersRejected);
        Counter(text, "websocketfy_plain_http_requests_total", "Plain HTTP requests (operator endpoints).", _plainHttpRequests);
        text.Append("# HELP websocketfy_commands_total Client commands by kind.\n# TYPE websocketfy_commands_total counter\n");
        Labelled(text, "websocketfy_commands_total", "kind", "file", _commandsFile);
        Labelled(text, "websocketfy_commands_total", "kind", "sql", _commandsSql);
        Labelled(text, "websocketfy_commands_total", "kind", "blank", _commandsBlank);
        Labelled(text, "websocketfy_commands_total", "kind", "quit", _commandsQuit);
        Counter(text, "websocketfy_files_not_found_total", "REQUEST commands answered File not found!.", _filesNotFound);
        Counter(text, "websocketfy_sql_failures_total", "SQL commands answered with a Command failed. text or a 1011 close.", _sqlFailures);
        Counter(text, "websocketfy_file_bytes_sent_total", "File payload bytes sent.", _fileBytesSent);
        Counter(text, "websocketfy_sql_reply_bytes_total", "SQL reply bytes relayed from SiREN.", _sqlReplyBytes);
        Counter(text, "websocketfy_received_bytes_total", "Bytes read from clients.", _bytesReceived);
        Counter(text, "websocketfy_sent_bytes_total", "Bytes written to clients.", _bytesSent);
        Gauge(text, "websocketfy_backend_connections_open", "SiREN connections open (busy or idle).", _backendConnectionsOpen);
        Gauge(text, "websocketfy_backend_connections_idle", "SiREN connections idle in the pool.", idleBackendConnections);
        Counter(text, "websocketfy_backend_connections_opened_total", "SiREN connections opened.", _backendConnectionsOpened);
        Counter(text, "websocketfy_backend_connections_discarded_total", "SiREN connections discarded after a fault.", _backendConnectionsDiscarded);
        Gauge(text, "websocketfy_open_files", "Files open for REQUEST replies.", _openFiles);
        Gauge(text, "websocketfy_spool_files_open", "Temporary spool files open.", _spoolFilesOpen);
        text.Append("# HELP websocketfy_closes_total Connections closed, by close status sent (0 = TCP dropped without close frame).\n# TYPE websocketfy_closes_total counter\n");
        for (int i = 0; i < CloseCodeSlots.Length - 1; i++)
            Labelled(text, "websocketfy_closes_total", "code", CloseCodeSlots[i].ToString(CultureInfo.InvariantCulture), _closeCodes[i]);
        Labelled(text, "websocketfy_closes_total", "code", "other", _closeCodes[^1]);
        text.Append("# HELP websocketfy_auth_failures_total Upgrade requests refused for who the client is, by reason "
                    + "(missing: 401 without credential; invalid, expired: 401 invalid_token; forbidden: 403; rate_limited: 429).\n"
                    + "# TYPE websocketfy_auth_failures_total counter\n");
        for (int i = 0; i < AuthFailureSlots.Length; i++)
            Labelled(text, "websocketfy_auth_failures_total", "reason", Auth.AuthFailureNames.Label(AuthFailureSlots[i]), _authFailures[i]);
        text.Append("# HELP websocketfy_permission_denied_total Commands refused because the role lacks the permission they need.\n"
                    + "# TYPE websocketfy_permission_denied_total counter\n");
        foreach (var (permission, count) in (ReadOnlySpan<(string, long)>)[("files", _deniedFiles), ("sql-read", _deniedSqlRead), ("sql-write", _deniedSqlWrite)])
            Labelled(text, "websocketfy_permission_denied_total", "permission", permission, count);
        Counter(text, "websocketfy_audit_lines_written_total", "Audit trail lines written to --audit-log.", _auditLinesWritten);
        Counter(text, "websocketfy_audit_lines_lost_total", "Audit trail lines lost (the file could not be written, e.g. a full disk, or the queue was full).", _auditLinesLost);
        Gauge(text, "websocketfy_audit_failing", "1 while the audit log cannot be written, else 0.", _auditFailing);
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value) => Series(text, name, help, "counter", value);
    private static void Gauge(StringBuilder text, string name, string help, long value) => Series(text, name, help, "gauge", value);

    private static void Series(StringBuilder text, string name, string help, string type, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Labelled(StringBuilder text, string name, string label, string labelValue, long value) =>
        text.Append(name).Append('{').Append(label).Append("=\"").Append(labelValue).Append("\"} ")
            .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
