using System.Net;

namespace Websocketfy.Daemon.Ops;

/// <summary>Which clients may use the operator pages beyond /healthz and /metrics (the console).</summary>
internal static class OperatorAccess
{
    /// <summary>Loopback clients only: the console runs SQL and reads files with the daemon's rights, so
    /// it is for someone on this machine (or coming through an SSH tunnel), not for the network.</summary>
    /// <param name="peer">The client's address, IPv4-mapped IPv6 already unmapped.</param>
    public static bool IsAllowed(IPAddress peer) => IPAddress.IsLoopback(peer);
}
