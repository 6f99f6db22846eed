using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Files;

/// <summary>
/// Whether the file root can still be served, for /healthz: it must still be a readable, searchable
/// directory, and on the file system it was on at start-up. The second test catches a network share
/// (NFS, CIFS) that was unmounted: its mount point stays behind as an empty directory.
/// </summary>
internal sealed class RootWatch(string root)
{
    private readonly ulong? _deviceAtStart = FileIdentity.OfPath(root)?.Device;

    /// <summary>Why files cannot be served now, or null.</summary>
    public string? Problem()
    {
        if (DirectoryChecks.ProblemWithRoot(root) is string problem) return problem;
        ulong? device = FileIdentity.OfPath(root)?.Device;
        return device != _deviceAtStart
            ? $"root '{root}' is no longer on the file system it was on at start-up (unmounted?)"
            : null;
    }
}
