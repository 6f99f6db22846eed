using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// Who gets /healthz, /metrics and the console on the main port. They tell about traffic and backends (and the
/// console runs SQL and reads files with the daemon's rights), so by default only this machine may use them there
/// (a curl, a local Prometheus, an HAProxy on the same host, a browser through an SSH tunnel); with ops-bind they
/// live on their own listener and the main port serves them to no one.
/// </summary>
internal static class OperatorAccess
{
    /// <param name="client">The client's address: the TCP peer today; the address a trusted proxy reports, later.</param>
    /// <param name="separateListener">Whether ops-bind is set.</param>
    public static bool ServesOnMainPort(IPAddress client, bool separateListener) =>
        !separateListener && IsLoopback(client);

    /// <summary>127.0.0.0/8, ::1, and either of them as an IPv4-mapped IPv6 address (how a dual-stack
    /// socket shows IPv4 clients). Nothing else, not even this host's other addresses.</summary>
    public static bool IsLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => address.GetAddressBytes()[0] == 127,
            AddressFamily.InterNetworkV6 => address.Equals(IPAddress.IPv6Loopback),
            _ => false,
        };
    }
}
