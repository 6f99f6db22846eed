using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Sessions;

/// <summary>What every session shares: settings, the file tree, the SiREN relay, the counters, access control and the audit trail.</summary>
internal sealed class SessionContext(
    GatewayOptions options,
    FileTree files,
    SirenRelay siren,
    SirenPool pool,
    Metrics metrics,
    HandshakePolicy handshakePolicy,
    SessionRegistry registry,
    Auth.AccessControl access,
    Audit.AuditLog? audit,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public GatewayOptions Options { get; } = options;
    public FileTree Files { get; } = files;
    public SirenRelay Siren { get; } = siren;
    public SirenPool Pool { get; } = pool;
    public Metrics Metrics { get; } = metrics;
    public HandshakePolicy HandshakePolicy { get; } = handshakePolicy;
    public SessionRegistry Registry { get; } = registry;
    /// <summary>Who may connect (the admission before the upgrade) and the roles.</summary>
    public Auth.AccessControl Access { get; } = access;
    /// <summary>The audit trail; null without --audit-log.</summary>
    public Audit.AuditLog? Audit { get; } = audit;
    /// <summary>Wall-clock time for token expiry (a test can move it).</summary>
    public TimeProvider Clock { get; } = clock;
    public ILogger SessionLog { get; } = loggers.CreateLogger("Websocketfy.Session");
    public ILogger CommandLog { get; } = loggers.CreateLogger("Websocketfy.Command");
}
