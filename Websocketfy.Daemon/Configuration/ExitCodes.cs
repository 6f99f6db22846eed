namespace Websocketfy.Daemon.Configuration;

/// <summary>Distinct process exit codes, so a unit file or script can tell startup failures apart.
/// Values follow sysexits.h where one fits. --help lists them (<see cref="HelpEpilog"/>).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Unknown option, malformed value (bad port, unparsable --siren, ...) on the command line,
    /// including the legacy -hi/-pi/-hs/-ps flags.</summary>
    public const int Usage = 64;
    /// <summary>--config file missing/unreadable, or an unknown key / bad line / bad value in it;
    /// also a bad value in a WEBSOCKETFY_* environment variable (configuration, not command-line usage),
    /// and a tokens file or JWT keys file that cannot be read or is wrong.</summary>
    public const int Config = 78;
    /// <summary>TLS configured but not usable: --tls-certificate or --tls-key missing, unreadable, not PEM,
    /// encrypted, or a key that does not belong to the certificate; or only one of the two given. The same
    /// value as <see cref="Config"/> (EX_CONFIG): certificate and key are configuration, and the message
    /// names the file.</summary>
    public const int TlsUnusable = 78;
    /// <summary>--root missing, not a directory, or unreadable.</summary>
    public const int RootUnusable = 66;
    /// <summary>The listening port is already in use or cannot be bound. Detected by the listener when it
    /// binds, after the options were accepted; the host maps that failure to this code.</summary>
    public const int CannotListen = 69;
    /// <summary>An unexpected fault at run time.</summary>
    public const int Software = 70;
    /// <summary>--spool-directory missing, not a directory, or not writable (EX_CANTCREAT).</summary>
    public const int SpoolUnusable = 73;
    /// <summary>--audit-log cannot be opened for appending (EX_CANTCREAT, as for the spool directory).</summary>
    public const int AuditLogUnusable = 73;
}
