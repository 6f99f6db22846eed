using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Tls;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Sessions;

/// <summary>What every session shares: settings, the file tree, the SiREN relay, the counters.
/// Settings are read through <see cref="Options"/>, the live set a reload replaces; the file tree,
/// handshake policy and TLS certificate are replaced by a reload too, so read them when they are used.</summary>
internal sealed class SessionContext(
    LiveOptions live,
    FileTree files,
    SirenRelay siren,
    SirenPool pool,
    Metrics metrics,
    HandshakePolicy handshakePolicy,
    SessionRegistry registry,
    ILoggerFactory loggers,
    TlsEndpoint? tls = null)
{
    /// <summary>The settings in force now (see <see cref="LiveOptions"/>).</summary>
    public GatewayOptions Options => live.Current;
    public FileTree Files { get; internal set; } = files;
    public SirenRelay Siren { get; } = siren;
    public SirenPool Pool { get; } = pool;
    public Metrics Metrics { get; } = metrics;
    public HandshakePolicy HandshakePolicy { get; internal set; } = handshakePolicy;
    public SessionRegistry Registry { get; } = registry;
    /// <summary>Null when the port speaks plain ws://.</summary>
    public TlsEndpoint? Tls { get; } = tls;
    public ILogger SessionLog { get; } = loggers.CreateLogger("Websocketfy.Session");
    public ILogger CommandLog { get; } = loggers.CreateLogger("Websocketfy.Command");
}
