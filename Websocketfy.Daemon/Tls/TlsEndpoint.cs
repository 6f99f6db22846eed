using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Reload;

namespace Websocketfy.Daemon.Tls;

/// <summary>
/// The TLS side of the listening port: what each new handshake is offered (TLS 1.2 and 1.3 only, ALPN
/// http/1.1, the OS's cipher defaults, the current certificate). On reload the certificate files are read
/// again; new handshakes get the new certificate, connections already open keep the one they agreed on.
/// </summary>
internal sealed class TlsEndpoint
{
    private readonly ILogger _log;
    private volatile SslServerAuthenticationOptions _serverOptions;
    private TlsCredentials _credentials;

    /// <summary>Reads the files (throws <see cref="TlsCredentialsException"/> naming the file at fault).</summary>
    public TlsEndpoint(GatewayOptions options, ILogger log)
    {
        _log = log;
        _credentials = TlsCredentials.Load(options.TlsCertificate!, options.TlsKey!);
        _serverOptions = ServerOptionsFor(_credentials);
        log.LogInformation("TLS on: certificate {Certificate}", _credentials.Description);
        WarnIfExpiring(_credentials);
    }

    /// <summary>For the next handshake; the same instance serves every handshake until the next reload.</summary>
    public SslServerAuthenticationOptions ServerOptions => _serverOptions;

    /// <summary>Reads the certificate files again (see <see cref="PrepareReload"/>).</summary>
    public ReloadStep PrepareReload(GatewayOptions current, GatewayOptions next)
    {
        // The plan keeps TLS on while this port speaks it, so both paths are set here.
        TlsCredentials renewed;
        try
        {
            renewed = TlsCredentials.Load(next.TlsCertificate!, next.TlsKey!);
        }
        catch (TlsCredentialsException ex)
        {
            return ReloadStep.Refuse(ex.Message);
        }
        if (renewed.Fingerprint == _credentials.Fingerprint && renewed.Intermediates == _credentials.Intermediates)
        {
            // The copy just read is not needed: its key handle is freed now, not by a finalizer some day.
            string fingerprint = renewed.Fingerprint;
            renewed.Dispose();
            return ReloadStep.Apply(() => _log.LogInformation("reload: TLS certificate unchanged (SHA-256 {Fingerprint})", fingerprint));
        }
        // Connections already open keep the old credentials, so those are left to the garbage collector.
        return ReloadStep.Apply(() =>
        {
            _credentials = renewed;
            _serverOptions = ServerOptionsFor(renewed);
            _log.LogInformation("reload: TLS certificate for new connections: {Certificate}", renewed.Description);
            WarnIfExpiring(renewed);
        }, abandon: renewed.Dispose);
    }

    private static SslServerAuthenticationOptions ServerOptionsFor(TlsCredentials credentials) => new()
    {
        ServerCertificateContext = credentials.Context,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = [SslApplicationProtocol.Http11],
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        AllowRenegotiation = false,
    };

    private void WarnIfExpiring(TlsCredentials credentials)
    {
        DateTime notAfter = credentials.Leaf.NotAfter.ToUniversalTime();
        DateTime now = DateTime.UtcNow;
        if (notAfter < now)
            _log.LogWarning("the TLS certificate expired on {Date:yyyy-MM-dd}: browsers will refuse it; renew it and send SIGHUP", notAfter);
        else if (notAfter < now.AddDays(14))
            _log.LogWarning("the TLS certificate expires on {Date:yyyy-MM-dd}; renew it and send SIGHUP", notAfter);
        if (credentials.Leaf.NotBefore.ToUniversalTime() > now)
            _log.LogWarning("the TLS certificate is not valid before {Date:yyyy-MM-dd HH:mm} UTC", credentials.Leaf.NotBefore.ToUniversalTime());
    }
}
