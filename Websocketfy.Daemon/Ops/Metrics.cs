using Websocketfy.Protocol.Commands;

namespace Websocketfy.Daemon.Ops;

/// <summary>Values read at scrape time from their owners rather than counted here.</summary>
/// <param name="PoolIdle">SiREN connections idle in the pool.</param>
/// <param name="PoolBusy">SiREN connections carrying a command.</param>
/// <param name="PoolWaiting">Commands waiting for a pool slot.</param>
/// <param name="SirenUp">Whether SiREN was last seen answering (see SirenHealth).</param>
public readonly record struct LiveGauges(int PoolIdle, int PoolBusy, int PoolWaiting, bool SirenUp);

/// <summary>
/// The one place that counts everything. Every counter is a plain field updated with Interlocked,
/// and every histogram has fixed buckets, so hot paths pay an atomic add or two; /metrics renders
/// them in the Prometheus text format.
/// </summary>
public sealed class Metrics
{
    private long _connectionsAccepted, _connectionsRejected, _connectionsActive, _sessionsOpen, _handshakeTimeouts, _proxyHeadersRejected;
    private long _commandsFile, _commandsSql, _commandsBlank, _commandsQuit;
    private long _fileBytesSent, _sqlReplyBytes, _filesNotFound, _sqlFailures;
    private long _backendConnectionsOpen, _backendConnectionsOpened, _backendConnectionsDiscarded;
    private long _openFiles, _spoolFilesOpen, _bytesReceived, _bytesSent, _plainHttpRequests;
    private long _tlsHandshakesSucceeded, _tlsHandshakesFailed;
    // The close codes worth a series of their own (0 = TCP dropped without a close frame).
    private readonly CountsByKey _closeCodes = new([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 0]);
    // The statuses an upgrade request can be refused with.
    private readonly CountsByKey _handshakeFailures = new([400, 401, 403, 405, 426, 429, 431, 503]);
    private readonly long[] _authFailures = new long[AuthFailureSlots.Length];
    private long _deniedFiles, _deniedSqlRead, _deniedSqlWrite;
    private long _auditLinesWritten, _auditLinesLost, _auditFailing;
    // Owned by the log sink, which the process has one of (DaemonHost connects it); 0 where there is none.
    private Func<long> _logLinesDropped = static () => 0;

    // Every refusal reason of Auth.AuthFailure but None, in enum order.
    private static readonly Auth.AuthFailure[] AuthFailureSlots =
        [Auth.AuthFailure.Missing, Auth.AuthFailure.Invalid, Auth.AuthFailure.Expired, Auth.AuthFailure.Forbidden, Auth.AuthFailure.RateLimited];

    private readonly Histogram _sirenReply = Histogram.ForDurations();
    private readonly Histogram _fileSizes = Histogram.ForFileSizes();
    private readonly Histogram[] _commandDurations = [.. CommandKinds.Select(_ => Histogram.ForDurations())];

    private static readonly (CommandKind Kind, string Label)[] CommandKinds =
        [(CommandKind.FileRequest, "file"), (CommandKind.Sql, "sql"), (CommandKind.Blank, "blank"), (CommandKind.Quit, "quit")];

    public void ConnectionAccepted() { Interlocked.Increment(ref _connectionsAccepted); Interlocked.Increment(ref _connectionsActive); }
    public void ConnectionEnded() => Interlocked.Decrement(ref _connectionsActive);
    public void ConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);
    public void SessionOpened() => Interlocked.Increment(ref _sessionsOpen);
    public void SessionClosed() => Interlocked.Decrement(ref _sessionsOpen);

    /// <summary>An upgrade request answered with <paramref name="status"/> instead of 101.</summary>
    public void HandshakeFailed(int status) => _handshakeFailures.Increment(status);

    public void HandshakeTimedOut() => Interlocked.Increment(ref _handshakeTimeouts);
    public void ProxyHeaderRejected() => Interlocked.Increment(ref _proxyHeadersRejected);
    public void PlainHttpRequest() => Interlocked.Increment(ref _plainHttpRequests);
    public void TlsHandshakeSucceeded() => Interlocked.Increment(ref _tlsHandshakesSucceeded);
    public void TlsHandshakeFailed() => Interlocked.Increment(ref _tlsHandshakesFailed);

    public void FileCommand() => Interlocked.Increment(ref _commandsFile);
    public void SqlCommand() => Interlocked.Increment(ref _commandsSql);
    public void BlankCommand() => Interlocked.Increment(ref _commandsBlank);
    public void QuitCommand() => Interlocked.Increment(ref _commandsQuit);

    /// <summary>From the command's start to the end of its reply (or the close it caused).</summary>
    public void CommandDuration(CommandKind kind, TimeSpan elapsed)
    {
        for (int i = 0; i < CommandKinds.Length; i++)
        {
            if (CommandKinds[i].Kind == kind) { _commandDurations[i].Observe(elapsed); return; }
        }
    }

    public void FileNotFound() => Interlocked.Increment(ref _filesNotFound);
    public void SqlFailure() => Interlocked.Increment(ref _sqlFailures);

    /// <summary>File bytes sent as part of a websocketfy.v2 get (counted as they go; ranges are not whole files).</summary>
    public void FileBytes(long n) => Interlocked.Add(ref _fileBytesSent, n);

    /// <summary>A file sent whole: its bytes, and its size in the size histogram.</summary>
    public void FileSent(long length)
    {
        Interlocked.Add(ref _fileBytesSent, length);
        _fileSizes.Observe(length);
    }

    /// <summary>From writing a command to SiREN to the prompt that ends its reply (complete replies only).</summary>
    public void SirenReplied(TimeSpan latency) => _sirenReply.Observe(latency);

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

    public void Closed(ushort code) => _closeCodes.Increment(code);

    /// <summary>websocketfy.v2 requests by op and outcome.</summary>
    internal V2Metrics V2 { get; } = new();

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
    /// <summary>WebSocket connections open (upgraded and not yet torn down).</summary>
    public long OpenSessions => Interlocked.Read(ref _sessionsOpen);
    public long OpenBackendConnections => Interlocked.Read(ref _backendConnectionsOpen);
    public long OpenFiles => Interlocked.Read(ref _openFiles);
    public long OpenSpoolFiles => Interlocked.Read(ref _spoolFilesOpen);

    /// <summary>Where <c>websocketfy_log_lines_dropped_total</c> is read from: the stderr log sink's count.</summary>
    public void ReadLogLinesDroppedFrom(Func<long> read) => _logLinesDropped = read;

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public string RenderPrometheus(LiveGauges live = default)
    {
        var text = new PrometheusWriter();
        text.Counter("websocketfy_connections_accepted_total", "TCP connections accepted on the main port.", Read(ref _connectionsAccepted));
        text.Counter("websocketfy_connections_rejected_total", "Connections refused by a connection limit (503).", Read(ref _connectionsRejected));
        text.Gauge("websocketfy_connections_active", "TCP connections open on the main port (WebSocket, handshaking or plain HTTP).", Read(ref _connectionsActive));
        text.Gauge("websocketfy_sessions_open", "WebSocket connections open.", Read(ref _sessionsOpen));

        _handshakeFailures.Render(text, "websocketfy_handshakes_failed_total", "Upgrade requests refused, by the HTTP status answered.", "status");
        text.Counter("websocketfy_handshake_timeouts_total", "Connections dropped for not completing their request within handshake-timeout.", Read(ref _handshakeTimeouts));
        text.Counter("websocketfy_proxy_headers_rejected_total", "Connections from trusted proxies dropped for a missing or invalid PROXY protocol header.", Read(ref _proxyHeadersRejected));
        text.Family("websocketfy_tls_handshakes_total", "counter", "TLS handshakes on the main port, by outcome.");
        text.Sample("websocketfy_tls_handshakes_total", Read(ref _tlsHandshakesSucceeded), "outcome", "succeeded");
        text.Sample("websocketfy_tls_handshakes_total", Read(ref _tlsHandshakesFailed), "outcome", "failed");
        text.Counter("websocketfy_plain_http_requests_total", "Plain HTTP requests (operator endpoints and unknown paths).", Read(ref _plainHttpRequests));

        text.Family("websocketfy_commands_total", "counter", "Client commands by kind.");
        text.Sample("websocketfy_commands_total", Read(ref _commandsFile), "kind", "file");
        text.Sample("websocketfy_commands_total", Read(ref _commandsSql), "kind", "sql");
        text.Sample("websocketfy_commands_total", Read(ref _commandsBlank), "kind", "blank");
        text.Sample("websocketfy_commands_total", Read(ref _commandsQuit), "kind", "quit");
        text.Family("websocketfy_command_duration_seconds", "histogram",
                    "Time from a command's start to the end of its reply, by kind (file transfers include the client's reading).");
        for (int i = 0; i < CommandKinds.Length; i++)
            text.Histogram("websocketfy_command_duration_seconds", _commandDurations[i], "kind", CommandKinds[i].Label);
        text.Counter("websocketfy_files_not_found_total", "REQUEST commands answered File not found!.", Read(ref _filesNotFound));
        text.Counter("websocketfy_sql_failures_total", "SQL commands answered with a Command failed. text or a 1011 close.", Read(ref _sqlFailures));
        text.Counter("websocketfy_file_bytes_sent_total", "File payload bytes sent.", Read(ref _fileBytesSent));
        text.Family("websocketfy_file_size_bytes", "histogram", "Sizes of the files sent whole.");
        text.Histogram("websocketfy_file_size_bytes", _fileSizes);
        text.Counter("websocketfy_sql_reply_bytes_total", "SQL reply bytes relayed from SiREN.", Read(ref _sqlReplyBytes));
        text.Counter("websocketfy_received_bytes_total", "Bytes read from clients.", Read(ref _bytesReceived));
        text.Counter("websocketfy_sent_bytes_total", "Bytes written to clients.", Read(ref _bytesSent));

        text.Gauge("websocketfy_siren_up", "1 when SiREN was last seen answering, 0 when it was last seen failing or not checked yet.", live.SirenUp ? 1 : 0);
        text.Family("websocketfy_siren_reply_duration_seconds", "histogram", "Time from writing an SQL command to SiREN to the prompt that ends its reply.");
        text.Histogram("websocketfy_siren_reply_duration_seconds", _sirenReply);
        text.Gauge("websocketfy_backend_connections_open", "SiREN connections open (busy or idle).", Read(ref _backendConnectionsOpen));
        text.Gauge("websocketfy_backend_connections_busy", "SiREN connections carrying a command.", live.PoolBusy);
        text.Gauge("websocketfy_backend_connections_idle", "SiREN connections idle in the pool.", live.PoolIdle);
        text.Gauge("websocketfy_backend_commands_waiting", "SQL commands waiting for a SiREN connection (all siren-pool-size in use).", live.PoolWaiting);
        text.Counter("websocketfy_backend_connections_opened_total", "SiREN connections opened.", Read(ref _backendConnectionsOpened));
        text.Counter("websocketfy_backend_connections_discarded_total", "SiREN connections discarded after a fault.", Read(ref _backendConnectionsDiscarded));
        text.Gauge("websocketfy_open_files", "Files open for REQUEST replies.", Read(ref _openFiles));
        text.Gauge("websocketfy_spool_files_open", "Temporary spool files open.", Read(ref _spoolFilesOpen));

        _closeCodes.Render(text, "websocketfy_closes_total", "Connections closed, by close status sent (0 = TCP dropped without close frame).", "code");
        text.Family("websocketfy_auth_failures_total", "counter", "Upgrade requests refused for who the client is, by reason "
                    + "(missing: 401 without credential; invalid, expired: 401 invalid_token; forbidden: 403; rate_limited: 429).");
        for (int i = 0; i < AuthFailureSlots.Length; i++)
            text.Sample("websocketfy_auth_failures_total", Read(ref _authFailures[i]), "reason", Auth.AuthFailureNames.Label(AuthFailureSlots[i]));
        text.Family("websocketfy_permission_denied_total", "counter", "Commands refused because the role lacks the permission they need.");
        text.Sample("websocketfy_permission_denied_total", Read(ref _deniedFiles), "permission", Protocol.Access.PermissionNames.Files);
        text.Sample("websocketfy_permission_denied_total", Read(ref _deniedSqlRead), "permission", Protocol.Access.PermissionNames.SqlRead);
        text.Sample("websocketfy_permission_denied_total", Read(ref _deniedSqlWrite), "permission", Protocol.Access.PermissionNames.SqlWrite);
        text.Counter("websocketfy_audit_lines_written_total", "Audit trail lines written to --audit-log.", Read(ref _auditLinesWritten));
        text.Counter("websocketfy_audit_lines_lost_total", "Audit trail lines lost (the file could not be written, e.g. a full disk, or the queue was full).", Read(ref _auditLinesLost));
        text.Gauge("websocketfy_audit_failing", "1 while the audit log cannot be written, else 0.", Read(ref _auditFailing));
        text.Counter("websocketfy_log_lines_dropped_total", "Log lines dropped because stderr did not take them as fast as they came.", _logLinesDropped());
        V2.Render(text);
        return text.ToString();
    }

    private static long Read(ref long counter) => Interlocked.Read(ref counter);
}
