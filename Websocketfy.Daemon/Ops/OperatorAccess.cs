using System.Net;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// Who gets /healthz, /metrics and the console on the main port. They tell about traffic and backends (and the
/// console runs SQL and reads files with the daemon's rights), so by default only this machine may use them there
/// (a curl, a local Prometheus, an HAProxy on the same host, a browser through an SSH tunnel); with ops-bind they
/// live on their own listener and the main port serves them to no one.
/// </summary>
internal static class OperatorAccess
{
    /// <param name="client">The client's address: the TCP peer, or the address a trusted proxy reports.</param>
    /// <param name="separateListener">Whether ops-bind is set.</param>
    /// <remarks>Loopback is 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (how a dual-stack socket shows IPv4
    /// clients); nothing else, not even this host's other addresses.</remarks>
    public static bool ServesOnMainPort(IPAddress client, bool separateListener) =>
        !separateListener && IPAddress.IsLoopback(AddressText.Canonical(client));
}
