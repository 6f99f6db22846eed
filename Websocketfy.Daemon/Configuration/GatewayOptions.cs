using System.Net;

namespace Websocketfy.Daemon.Configuration;

/// <summary>Every setting of the daemon, resolved from command line, environment, config file and defaults.
/// One type, so `--help`, websocketfy.conf and the docs can be checked against it.</summary>
public sealed record GatewayOptions
{
    public IPAddress Bind { get; init; } = IPAddress.IPv6Any;
    public int Port { get; init; } = 8080;
    public string SirenHost { get; init; } = "127.0.0.1";
    public int SirenPort { get; init; } = 3434;
    public string Root { get; init; } = "./fs";

    /// <summary>PEM file: the server certificate, then its chain. Null = plain ws:// (no TLS).
    /// TLS is on when both this and <see cref="TlsKey"/> are set (one alone is refused).</summary>
    public string? TlsCertificate { get; init; }
    /// <summary>PEM file: the certificate's private key (PKCS#8, RSA or EC; not encrypted). Null = no TLS.</summary>
    public string? TlsKey { get; init; }

    public int MaxConnections { get; init; } = 4096;
    public int MaxConnectionsPerIp { get; init; } = 256;
    public int MaxMessageSize { get; init; } = 1024 * 1024;
    public long MaxReplySize { get; init; } = 1024L * 1024 * 1024;
    public int MaxQueuedCommands { get; init; } = 64;
    public int MaxHeaderSize { get; init; } = 8192;

    /// <summary>websocketfy.v2: requests one connection may have in flight; one more is answered too_many.</summary>
    public int V2MaxInFlight { get; init; } = 16;
    /// <summary>websocketfy.v2: most file bytes in one data message (after its 12-byte prefix).</summary>
    public int V2ChunkSize { get; init; } = 256 * 1024;

    public int SirenPoolSize { get; init; } = 16;
    public TimeSpan SirenConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan SirenTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often an idle daemon checks that SiREN still answers; zero = only client traffic tells.</summary>
    public TimeSpan SirenProbeInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Reply bytes kept in memory per command before spooling to a temporary file.</summary>
    public int SpoolMemoryLimit { get; init; } = 4 * 1024 * 1024;
    public string SpoolDirectory { get; init; } = Path.GetTempPath();

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Zero = off.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Zero = the drain begins at SIGTERM.</summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Empty = every origin allowed (with a startup warning). "*" must be given explicitly.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    public bool RequireOrigin { get; init; }

    /// <summary>Load balancers and reverse proxies whose word on the client address is taken. Empty = none.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];
    /// <summary>Connections from trusted proxies begin with a PROXY protocol header (v1 or v2).</summary>
    public bool ProxyProtocol { get; init; }

    public Auth.AuthMode Auth { get; init; } = Websocketfy.Daemon.Auth.AuthMode.None;
    /// <summary>--auth token: lines "NAME ROLE SHA256-HEX".</summary>
    public string? TokensFile { get; init; }
    /// <summary>--auth jwt: the JWKS file with the issuer's public keys.</summary>
    public string? JwtKeys { get; init; }
    public string? JwtIssuer { get; init; }
    public string? JwtAudience { get; init; }
    public string JwtNameClaim { get; init; } = "sub";
    public string JwtRoleClaim { get; init; } = "role";
    /// <summary>Roles beyond the built-in viewer, admin and files.</summary>
    public IReadOnlyList<Auth.RoleDefinition> Roles { get; init; } = [];

    /// <summary>The audit trail file (JSON lines); null = none.</summary>
    public string? AuditLog { get; init; }
    /// <summary>Put the SQL text itself in the audit trail, not only its SHA-256.</summary>
    public bool AuditSqlText { get; init; }

    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;
    public Ops.LogFormat LogFormat { get; init; } = Ops.LogFormat.Auto;

    /// <summary>Null = /healthz and /metrics on the main port, loopback clients only; else only on this
    /// separate plain-HTTP listener.</summary>
    public IPEndPoint? OpsBind { get; init; }

    /// <summary>Serve the operator console page at a plain GET / where the operator endpoints are served: the main
    /// port to loopback clients, or the <see cref="OpsBind"/> listener when set.</summary>
    public bool Console { get; init; }

    /// <summary>The full path of the --config file these options were read from, or null; for the startup log.</summary>
    public string? ConfigFile { get; init; }
}
