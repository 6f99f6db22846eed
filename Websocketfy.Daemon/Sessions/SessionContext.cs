using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Sessions;

/// <summary>What every session shares: settings, the file tree, the SiREN relay, the counters.</summary>
internal sealed class SessionContext(
    GatewayOptions options,
    FileTree files,
    SirenRelay siren,
    SirenPool pool,
    Metrics metrics,
    HandshakePolicy handshakePolicy,
    SessionRegistry registry,
    TrustedProxies trustedProxies,
    ILoggerFactory loggers)
{
    public GatewayOptions Options { get; } = options;
    public FileTree Files { get; } = files;
    public SirenRelay Siren { get; } = siren;
    public SirenPool Pool { get; } = pool;
    public Metrics Metrics { get; } = metrics;
    public HandshakePolicy HandshakePolicy { get; } = handshakePolicy;
    public SessionRegistry Registry { get; } = registry;
    public TrustedProxies TrustedProxies { get; } = trustedProxies;
    public ILogger SessionLog { get; } = loggers.CreateLogger("Websocketfy.Session");
    public ILogger CommandLog { get; } = loggers.CreateLogger("Websocketfy.Command");
}
