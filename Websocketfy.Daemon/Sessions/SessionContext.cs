using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Tls;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Sessions;

/// <summary>What every session shares: settings, the file tree, the SiREN relay, the counters, the operator endpoints,
/// whether the daemon drains, access control and the audit trail. Settings are read through <see cref="Options"/>, the live
/// set a reload replaces; the file tree, handshake policy, TLS certificate, access control and audit log are replaced by a
/// reload too, so read them when they are used.</summary>
internal sealed class SessionContext(
    LiveOptions live,
    FileTree files,
    SirenRelay siren,
    SirenPool pool,
    Metrics metrics,
    HandshakePolicy handshakePolicy,
    SessionRegistry registry,
    TrustedProxies trustedProxies,
    OperatorEndpoints operatorEndpoints,
    Lifecycle lifecycle,
    Auth.AccessControl access,
    Audit.AuditLog? audit,
    TimeProvider clock,
    ILoggerFactory loggers,
    TlsEndpoint? tls = null)
{
    /// <summary>The settings in force now (see <see cref="LiveOptions"/>).</summary>
    public GatewayOptions Options => live.Current;
    /// <summary>send-timeout as it is now, read by every connection's <see cref="FrameSender"/> (one delegate for them all).</summary>
    public Func<TimeSpan> SendTimeout { get; } = () => live.Current.SendTimeout;
    public FileTree Files { get; internal set; } = files;
    public SirenRelay Siren { get; } = siren;
    public SirenPool Pool { get; } = pool;
    public Metrics Metrics { get; } = metrics;
    public HandshakePolicy HandshakePolicy { get; internal set; } = handshakePolicy;
    public SessionRegistry Registry { get; } = registry;
    public TrustedProxies TrustedProxies { get; } = trustedProxies;
    public OperatorEndpoints Operator { get; } = operatorEndpoints;
    public Lifecycle Lifecycle { get; } = lifecycle;
    /// <summary>Who may connect (the admission before the upgrade) and the roles.</summary>
    public Auth.AccessControl Access { get; internal set; } = access;
    /// <summary>The audit trail; null without --audit-log.</summary>
    public Audit.AuditLog? Audit { get; internal set; } = audit;
    /// <summary>Wall-clock time for token expiry (a test can move it).</summary>
    public TimeProvider Clock { get; } = clock;
    /// <summary>Null when the port speaks plain ws://.</summary>
    public TlsEndpoint? Tls { get; } = tls;
    /// <summary>What websocketfy.v2 connections share (the SHA-256 cache).</summary>
    public V2.V2Shared V2 { get; } = new();
    public ILogger SessionLog { get; } = loggers.CreateLogger("Websocketfy.Session");
    public ILogger CommandLog { get; } = loggers.CreateLogger("Websocketfy.Command");
}
