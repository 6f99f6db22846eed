namespace Websocketfy.Daemon.Ops;

/// <summary>Something SIGHUP re-reads: it loads and checks a new immutable snapshot, and only a good
/// one replaces the current one (one reference swap), so a mistake in an edited file never takes
/// away what was working.</summary>
internal interface IReloadable
{
    ReloadResult Reload();
}

/// <summary>What a reload did, as one sentence for the log ("tokens file /etc/x: 3 tokens").</summary>
internal readonly record struct ReloadResult(bool Succeeded, string Message)
{
    public static ReloadResult Done(string message) => new(true, message);
    public static ReloadResult Failed(string message) => new(false, message);
}
