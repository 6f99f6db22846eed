using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Files;

/// <summary>
/// Whether the file root can still be served, for /healthz: it must still be a readable, searchable
/// directory, and on the file system it was on when the daemon started serving it (at start-up, or at
/// the reload that last changed where it leads). The second test catches a network share (NFS, CIFS)
/// that was unmounted: its mount point stays behind as an empty directory.
/// </summary>
internal sealed class RootWatch
{
    private sealed record Watched(string Root, ulong? Device);

    private volatile Watched _watched;

    public RootWatch(string root) => _watched = Of(root);

    /// <summary>A reload that put a new file tree in use: watch <paramref name="root"/> from now on, on the
    /// file system it is on now.</summary>
    public void Follow(string root) => _watched = Of(root);

    /// <summary>Why files cannot be served now, or null.</summary>
    public string? Problem()
    {
        Watched watched = _watched;
        if (DirectoryChecks.ProblemWithRoot(watched.Root) is string problem) return problem;
        ulong? device = FileIdentity.OfPath(watched.Root)?.Device;
        return device != watched.Device
            ? $"root '{watched.Root}' is no longer on the file system it was on at start-up or the last reload that changed it (unmounted?)"
            : null;
    }

    private static Watched Of(string root) => new(root, FileIdentity.OfPath(root)?.Device);
}
