namespace Websocketfy.Daemon.Configuration;

/// <summary>Distinct process exit codes, so a unit file or script can tell startup failures apart.
/// Values follow sysexits.h where one fits.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Unknown option, malformed value (bad port, unparsable --siren, ...).</summary>
    public const int Usage = 64;
    /// <summary>--config file missing/unreadable, or an unknown key / bad line in it.</summary>
    public const int Config = 78;
    /// <summary>--root missing, not a directory, or unreadable.</summary>
    public const int RootUnusable = 66;
    /// <summary>The listening port is already in use or cannot be bound.</summary>
    public const int CannotListen = 69;
    /// <summary>An unexpected fault at run time.</summary>
    public const int Software = 70;
}
