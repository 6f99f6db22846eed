using System.Net.Sockets;

namespace Websocketfy.Daemon.Network;

/// <summary>A listener could not be bound; <see cref="Where"/> says which one ("127.0.0.1 port 8080", with
/// "(--ops-bind)" for the operator listener), for the one-line start-up error.</summary>
internal sealed class CannotListenException(string where, SocketException inner) : Exception($"cannot listen on {where}: {inner.Message}", inner)
{
    public string Where { get; } = where;
}
