using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Daemon.Configuration;

/// <summary>Every setting of the daemon, in the order --help and websocketfy.conf present them.
/// The command line, the environment and the config file are all built from this one list.</summary>
internal static class SettingCatalog
{
    public static IReadOnlyList<Setting> All { get; } =
    [
        // Where to listen, where SiREN is, what to serve.
        new Setting<int>
        {
            Key = "port", ValueName = "PORT",
            Description = "TCP port for WebSocket clients (and, for loopback clients, the operator endpoints /healthz "
                + "and /metrics unless --ops-bind moves them); 0 = any free port (the daemon logs the port it got).",
            Parse = PortSyntax.ParseListenPort, Get = o => o.Port, Set = (o, v) => o with { Port = v }, FormatValue = Invariant,
        },
        new Setting<System.Net.IPAddress>
        {
            Key = "bind", ValueName = "IP",
            Description = "Local IP address to listen on; :: = every interface, IPv4 and IPv6 (dual-stack), "
                + "0.0.0.0 = every IPv4 interface.",
            Parse = AddressSyntax.ParseBindAddress, Get = o => o.Bind, Set = (o, v) => o with { Bind = v }, FormatValue = v => v.ToString(),
        },
        new Setting<SirenAddress>
        {
            Key = "siren", ValueName = "HOST:PORT",
            Description = "The SiREN server SQL commands are relayed to: host:port, [IPv6]:port, or a host alone (port 3434).",
            Parse = SirenAddress.Parse,
            Get = o => new SirenAddress(o.SirenHost, o.SirenPort),
            Set = (o, v) => o with { SirenHost = v.Host, SirenPort = v.Port },
            FormatValue = v => v.ToString(),
            ReloadsLive = true,
        },
        new Setting<string>
        {
            Key = "root", ValueName = "DIR",
            Description = "Read-only file tree that REQUEST paths are relative to; must be a readable directory. "
                + "A relative path is taken from the working directory.",
            Parse = ParsePath, Get = o => o.Root, Set = (o, v) => o with { Root = v }, FormatValue = v => v,
            ReloadsLive = true,
        },

        // TLS: both set = the port speaks only TLS (wss://).
        OptionalFile("tls-certificate", "PEM file with the server certificate first, then its intermediate certificates. "
                + "With --tls-key the port speaks only TLS 1.2/1.3 (wss://); both are read again on SIGHUP.",
            o => o.TlsCertificate, (o, v) => o with { TlsCertificate = v }, defaultNote: "none (plain ws://)"),
        OptionalFile("tls-key", "PEM file with the certificate's private key (PKCS#8, RSA or EC); it must not be encrypted.",
            o => o.TlsKey, (o, v) => o with { TlsKey = v }, defaultNote: "none (plain ws://)"),

        // Limits that bound what one client, or all of them, can cost.
        Count("max-connections", "Most client connections open at once; further ones are refused.",
            o => o.MaxConnections, (o, v) => o with { MaxConnections = v }),
        Count("max-connections-per-ip", "Most client connections open at once from one IP address.",
            o => o.MaxConnectionsPerIp, (o, v) => o with { MaxConnectionsPerIp = v }),
        Size("max-message-size", "Largest client message (one command); a larger one closes the connection with 1009.",
            o => o.MaxMessageSize, (o, v) => o with { MaxMessageSize = (int)v }, min: 1, max: int.MaxValue),
        Size("max-reply-size", "Largest SiREN reply to one command; a larger one closes the connection with 1011 \"reply too large\".",
            o => o.MaxReplySize, (o, v) => o with { MaxReplySize = v }, min: 1, max: long.MaxValue),
        Count("max-queued-commands", "Commands one connection may send ahead of their replies; one more closes the connection with 1008.",
            o => o.MaxQueuedCommands, (o, v) => o with { MaxQueuedCommands = v }),
        Size("max-header-size", "Largest HTTP request head (request line and headers) of a connection's upgrade request.",
            o => o.MaxHeaderSize, (o, v) => o with { MaxHeaderSize = (int)v }, min: 1024, max: int.MaxValue),

        // The websocketfy.v2 subprotocol (docs/protocol.md, section 2).
        Count("v2-max-in-flight", "Requests one websocketfy.v2 connection may have in flight at once; one more is answered too_many.",
            o => o.V2MaxInFlight, (o, v) => o with { V2MaxInFlight = v }),
        Size("v2-chunk-size", "Most file bytes in one websocketfy.v2 data message: what a transfer holds in memory, "
            + "and the most a query's reply waits behind (at least 1K, at most 16M).",
            o => o.V2ChunkSize, (o, v) => o with { V2ChunkSize = (int)v }, min: 1024, max: 16 * 1024 * 1024),

        // The SiREN side.
        Count("siren-pool-size", "Most connections to SiREN open at once, shared by all clients.",
            o => o.SirenPoolSize, (o, v) => o with { SirenPoolSize = v }),
        Duration("siren-connect-timeout", "Time to connect to SiREN and get its prompt, and the longest a command waits for a free pooled "
            + "connection when all are busy; then the reply is \"SiREN server is unavailable\".",
            o => o.SirenConnectTimeout, (o, v) => o with { SirenConnectTimeout = v }),
        Duration("siren-timeout", "Longest silence from SiREN while a reply is due; then the reply is \"SiREN server did not answer\".",
            o => o.SirenTimeout, (o, v) => o with { SirenTimeout = v }),
        Duration("siren-probe-interval", "How often the daemon checks SiREN when no command has reached it for that long "
            + "(an idle pooled connection, or a new connection and its greeting), so /healthz notices it going down or "
            + "coming back; 0 = only client commands tell.",
            o => o.SirenProbeInterval, (o, v) => o with { SirenProbeInterval = v }, zeroMeansOff: true),
        Size("spool-memory-limit", "Reply bytes kept in memory per command for a slow client before the rest goes to a temporary file; 0 = always a file.",
            o => o.SpoolMemoryLimit, (o, v) => o with { SpoolMemoryLimit = (int)v }, min: 0, max: int.MaxValue),
        new Setting<string>
        {
            Key = "spool-directory", ValueName = "DIR",
            Description = "Directory for those temporary files; must be a writable directory.",
            DefaultNote = "the system temporary directory ($TMPDIR, else /tmp)",
            Parse = ParsePath, Get = o => o.SpoolDirectory, Set = (o, v) => o with { SpoolDirectory = v }, FormatValue = v => v,
            ReloadsLive = true,
        },

        // Client connection timing.
        Duration("handshake-timeout", "Time a new connection has to complete its WebSocket upgrade request.",
            o => o.HandshakeTimeout, (o, v) => o with { HandshakeTimeout = v }),
        Duration("ping-interval", "Quiet time on a connection after which the server sends a ping.",
            o => o.PingInterval, (o, v) => o with { PingInterval = v }),
        Duration("ping-timeout", "Time a client has to answer a ping before it is disconnected.",
            o => o.PingTimeout, (o, v) => o with { PingTimeout = v }),
        Duration("idle-timeout", "Close a connection that sends no command for this long; 0 = never.",
            o => o.IdleTimeout, (o, v) => o with { IdleTimeout = v }, zeroMeansOff: true),
        Duration("send-timeout", "Longest a send to a client may make no progress before the connection is dropped.",
            o => o.SendTimeout, (o, v) => o with { SendTimeout = v }),
        Duration("close-timeout", "Time to wait for the client's close frame after the server sent its own.",
            o => o.CloseTimeout, (o, v) => o with { CloseTimeout = v }),
        Duration("shutdown-timeout", "On SIGTERM, time running commands and transfers get to finish before connections close with 1001.",
            o => o.ShutdownTimeout, (o, v) => o with { ShutdownTimeout = v }),
        Duration("drain-delay", "On SIGTERM, time /healthz already answers 503 while the daemon still serves as usual, so a load "
                + "balancer sends new clients elsewhere before this instance turns them away; then the drain (shutdown-timeout) "
                + "begins. 0 = at once. Behind HAProxy: more than its check inter times fall.",
            o => o.DrainDelay, (o, v) => o with { DrainDelay = v }, zeroMeansOff: true),

        // Who may connect.
        new Setting<IReadOnlyList<string>>
        {
            Key = "allowed-origins", ValueName = "LIST",
            Description = "Web origins allowed to connect (the Origin header), comma-separated, repeatable; * = any. "
                + "Requests without an Origin header (non-browser clients) pass unless --require-origin.",
            DefaultNote = "empty = every origin, with a startup warning",
            Parse = OriginListSyntax.Parse,
            Get = o => o.AllowedOrigins,
            Set = (o, v) => o with { AllowedOrigins = v },
            Combine = (earlier, more) => [.. earlier, .. more],
            FormatValue = OriginListSyntax.Format,
            ReloadsLive = true,
        },
        Switch("require-origin", "Refuse upgrade requests that carry no Origin header (wscat and scripts send none).",
            o => o.RequireOrigin, (o, v) => o with { RequireOrigin = v }),

        // Who the client is and what it may do.
        new Setting<Auth.AuthMode>
        {
            Key = "auth", ValueName = "MODE",
            Description = "How clients prove who they are: none (every client is admin), token (bearer tokens listed in --tokens-file) "
                + "or jwt (JSON Web Tokens checked against --jwt-keys). The credential goes in an Authorization: Bearer header, "
                + "an access_token query parameter or a websocketfy_token cookie.",
            Parse = AuthModeSyntax.Parse, Get = o => o.Auth, Set = (o, v) => o with { Auth = v }, FormatValue = AuthModeSyntax.Format,
            ReloadsLive = true,
        },
        OptionalFile("tokens-file", "For --auth token: lines \"NAME ROLE SHA256-HEX\" ('#' comments), the SHA-256 of each token, "
                + "never the token ('websocketfy token new NAME ROLE' makes one). Re-read on SIGHUP.",
            o => o.TokensFile, (o, v) => o with { TokensFile = v }),
        OptionalFile("jwt-keys", "For --auth jwt: JWKS file with the issuer's public keys (RSA, or EC P-256); no network fetch. Re-read on SIGHUP.",
            o => o.JwtKeys, (o, v) => o with { JwtKeys = v }),
        OptionalText("jwt-issuer", "TEXT", "For --auth jwt: the iss a token must carry (required).",
            o => o.JwtIssuer, (o, v) => o with { JwtIssuer = v }),
        OptionalText("jwt-audience", "TEXT", "For --auth jwt: the aud a token must carry (required).",
            o => o.JwtAudience, (o, v) => o with { JwtAudience = v }),
        new Setting<string>
        {
            Key = "jwt-name-claim", ValueName = "CLAIM",
            Description = "For --auth jwt: the claim that names the identity.",
            Parse = TextSyntax.NonEmpty, Get = o => o.JwtNameClaim, Set = (o, v) => o with { JwtNameClaim = v }, FormatValue = v => v,
            ReloadsLive = true,
        },
        new Setting<string>
        {
            Key = "jwt-role-claim", ValueName = "CLAIM",
            Description = "For --auth jwt: the claim that holds the role (a string, or an array of role names whose permissions add up).",
            Parse = TextSyntax.NonEmpty, Get = o => o.JwtRoleClaim, Set = (o, v) => o with { JwtRoleClaim = v }, FormatValue = v => v,
            ReloadsLive = true,
        },
        new Setting<IReadOnlyList<Auth.RoleDefinition>>
        {
            Key = "role", ValueName = "NAME=PERMS",
            Description = "A role beyond the built-in viewer (files, sql-read), admin (all) and files (files): "
                + "NAME=perm,perm with permissions files, sql-read (SELECT, DESC), sql-write (every other SQL); repeatable.",
            DefaultNote = "none",
            Parse = RoleSyntax.Parse, Get = o => o.Roles, Set = (o, v) => o with { Roles = v },
            Combine = RoleSyntax.Combine, FormatValue = RoleSyntax.Format,
            ReloadsLive = true,
        },

        // Who did what.
        OptionalFile("audit-log", "Append one JSON line per command and per connection attempt to FILE (who, from where, what, "
                + "outcome, duration); re-opened on SIGHUP for logrotate.",
            o => o.AuditLog, (o, v) => o with { AuditLog = v }),
        Switch("audit-sql-text", "Put the SQL text itself in the audit log, not only its SHA-256 (SQL can hold patient identifiers).",
            o => o.AuditSqlText, (o, v) => o with { AuditSqlText = v }),

        // Behind a load balancer.
        new Setting<IReadOnlyList<System.Net.IPNetwork>>
        {
            Key = "trusted-proxies", ValueName = "LIST",
            Description = "Load balancers and reverse proxies (IP addresses or CIDR networks, comma-separated, repeatable) "
                + "trusted to name the real client: by a PROXY protocol header with --proxy-protocol, otherwise by "
                + "X-Forwarded-For (the rightmost address that is not a trusted proxy). The real client address is the one "
                + "logged and counted by --max-connections-per-ip.",
            DefaultNote = "empty = no proxy is trusted; X-Forwarded-For is ignored",
            Parse = NetworkListSyntax.Parse,
            Get = o => o.TrustedProxies,
            Set = (o, v) => o with { TrustedProxies = v },
            Combine = (earlier, more) => [.. earlier, .. more],
            FormatValue = NetworkListSyntax.Format,
            ReloadsLive = true,
        },
        new Setting<bool>
        {
            Key = "proxy-protocol", ValueName = "true|false",
            Description = "Connections from --trusted-proxies must begin with a PROXY protocol header, v1 or v2 "
                + "(HAProxy's send-proxy, send-proxy-v2, check-send-proxy); without a valid one they are dropped. "
                + "A PROXY header from any other address is refused with 400. Alone on the command line it means true.",
            ImpliedValue = "true",
            Parse = SwitchSyntax.Parse, Get = o => o.ProxyProtocol, Set = (o, v) => o with { ProxyProtocol = v }, FormatValue = SwitchSyntax.Format,
            ReloadsLive = true,
        },

        new Setting<Microsoft.Extensions.Logging.LogLevel>
        {
            Key = "log-level", ValueName = "LEVEL",
            Description = "Least severe log messages written: " + LogLevelSyntax.Names + ".",
            Parse = LogLevelSyntax.Parse, Get = o => o.LogLevel, Set = (o, v) => o with { LogLevel = v }, FormatValue = LogLevelSyntax.Format,
            ReloadsLive = true,
        },
        new Setting<Ops.LogFormat>
        {
            Key = "log-format", ValueName = "FORMAT",
            Description = "How log lines are written to stderr: simple (timestamped lines), systemd (each line starts with "
                + "its syslog priority, <6> ..., for journald) or json (one object per line with the structured fields, for "
                + "log shippers); auto = systemd when stderr is the journal ($JOURNAL_STREAM), else simple.",
            Parse = LogFormatSyntax.Parse, Get = o => o.LogFormat, Set = (o, v) => o with { LogFormat = v }, FormatValue = LogFormatSyntax.Format,
        },

        // Operators.
        new Setting<System.Net.IPEndPoint?>
        {
            Key = "ops-bind", ValueName = "ADDR:PORT",
            Description = "Serve /healthz and /metrics on this separate plain-HTTP listener, to any client that reaches it "
                + "(a Prometheus scraper on the LAN), and no longer on the main port. IPv6 in brackets: [::1]:9100.",
            DefaultNote = "none: on the main port, to loopback clients only",
            Parse = EndpointSyntax.ParseOptionalListenEndpoint, Get = o => o.OpsBind, Set = (o, v) => o with { OpsBind = v },
            FormatValue = EndpointSyntax.Format,
        },
        Switch("console", "Serve the operator console, a web page to run SQL and look at files through this daemon, "
                + "at a plain GET / where /healthz and /metrics are served: on the main port to loopback clients only, "
                + "or with --ops-bind on the ops listener (its WebSocket then goes to the main port).",
            o => o.Console, (o, v) => o with { Console = v }),
    ];

    /// <summary>Keys are matched case-insensitively, so "Port = 80" in a file is not an "unknown key".</summary>
    public static Setting? Find(string key)
    {
        foreach (Setting setting in All)
        {
            if (setting.Key.Equals(key, StringComparison.OrdinalIgnoreCase))
                return setting;
        }
        return null;
    }

    private static Setting<int> Count(string key, string description,
        Func<GatewayOptions, int> get, Func<GatewayOptions, int, GatewayOptions> set) => new()
    {
        Key = key, ValueName = "N", Description = description,
        Parse = text => CountSyntax.Parse(text, min: 1), Get = get, Set = set, FormatValue = Invariant, ReloadsLive = true,
    };

    private static Setting<long> Size(string key, string description,
        Func<GatewayOptions, long> get, Func<GatewayOptions, long, GatewayOptions> set, long min, long max) => new()
    {
        Key = key, ValueName = "SIZE", Description = description,
        Parse = text => SizeSyntax.Parse(text, min, max), Get = get, Set = set, FormatValue = SizeSyntax.Format, ReloadsLive = true,
    };

    private static Setting<TimeSpan> Duration(string key, string description,
        Func<GatewayOptions, TimeSpan> get, Func<GatewayOptions, TimeSpan, GatewayOptions> set, bool zeroMeansOff = false) => new()
    {
        Key = key, ValueName = "DURATION", Description = description,
        Parse = text => DurationSyntax.Parse(text, zeroMeansOff), Get = get, Set = set, FormatValue = DurationSyntax.Format, ReloadsLive = true,
    };

    /// <summary>An on/off setting; alone on the command line it means true.</summary>
    private static Setting<bool> Switch(string key, string description,
        Func<GatewayOptions, bool> get, Func<GatewayOptions, bool, GatewayOptions> set) => new()
    {
        Key = key, ValueName = "true|false", Description = description + " Alone on the command line it means true.",
        ImpliedValue = "true", Parse = SwitchSyntax.Parse, Get = get, Set = set, FormatValue = SwitchSyntax.Format, ReloadsLive = true,
    };

    private static Setting<string?> OptionalFile(string key, string description,
        Func<GatewayOptions, string?> get, Func<GatewayOptions, string?, GatewayOptions> set, string defaultNote = "none") => new()
    {
        Key = key, ValueName = "FILE", Description = description, DefaultNote = defaultNote,
        Parse = ParseOptionalFile,
        Get = get, Set = set, FormatValue = v => v ?? "", ReloadsLive = true,
    };

    private static Setting<string?> OptionalText(string key, string valueName, string description,
        Func<GatewayOptions, string?> get, Func<GatewayOptions, string?, GatewayOptions> set) => new()
    {
        Key = key, ValueName = valueName, Description = description, DefaultNote = "none",
        Parse = TextSyntax.OptionalText, Get = get, Set = set, FormatValue = v => v ?? "", ReloadsLive = true,
    };

    /// <summary>Paths are taken as written; whether they are usable is checked once all sources are merged.</summary>
    private static Parsed<string> ParsePath(string text) =>
        text.Length == 0 ? Parsed<string>.Fail("empty value (expected a path)")
        : text.Contains('\0') ? Parsed<string>.Fail("the path contains a NUL character")
        : text;

    /// <summary>An empty value means "none", so a config line can show the default ("tls-key =").</summary>
    private static Parsed<string?> ParseOptionalFile(string text) =>
        text.Length == 0 ? Parsed<string?>.Success(null)
        : text.Contains('\0') ? Parsed<string?>.Fail("the path contains a NUL character")
        : text;

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
