using System.Net;

namespace Websocketfy.Protocol.Proxy;

/// <summary>
/// A PROXY protocol header as a load balancer (HAProxy's send-proxy / send-proxy-v2) writes it in front
/// of a connection it relays.
/// </summary>
/// <param name="Version">1 (text line) or 2 (binary).</param>
/// <param name="Kind">What the header said, for logs: "TCP4", "TCP6", "UNKNOWN" (v1); "PROXY TCP/IPv4",
/// "PROXY TCP/IPv6", "LOCAL", "PROXY UDP/IPv4", "PROXY UNIX", "PROXY UNSPEC" (v2).</param>
/// <param name="Source">The original client, when the header carries a TCP address pair; null when the
/// receiver must use the connection's own peer instead (v2 LOCAL, sent by health checks; v1 UNKNOWN;
/// v2 families and transports a TCP server has no use for: UNSPEC, UNIX, DGRAM).</param>
/// <param name="Destination">The address the client connected to (the proxy's frontend); null with Source.</param>
/// <param name="Length">Bytes the header took on the wire (what follows belongs to TLS or HTTP).</param>
public sealed record ProxyHeader(int Version, string Kind, IPEndPoint? Source, IPEndPoint? Destination, int Length);
