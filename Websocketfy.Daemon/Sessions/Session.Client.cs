using System.Net;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Addresses;
using Websocketfy.Protocol.Http;
using Websocketfy.Protocol.Proxy;

namespace Websocketfy.Daemon.Sessions;

/// <summary>
/// Who the client is. Directly connected, it is the TCP peer. Behind a trusted proxy it is the address the
/// proxy names: in a PROXY protocol header read before anything else (--proxy-protocol), or in
/// X-Forwarded-For on the upgrade request. That address is the one logged, given to the operator-endpoint
/// policy and counted against max-connections-per-ip.
/// </summary>
internal sealed partial class Session
{
    private readonly IPEndPoint _peerEndPoint;
    private readonly ConnectionSlot _slot;
    private readonly bool _fromTrustedProxy;
    /// <summary>The client's address: what connection limits, the brute-force brake, the operator-endpoint
    /// policy, the audit trail and the logs see. The TCP peer, unless a trusted proxy names another.</summary>
    private IPAddress _client;
    private string _peer;

    /// <summary>The real client's address, once known (the TCP peer until a trusted proxy names another).</summary>
    public IPAddress ClientAddress => _client;

    private bool ExpectsProxyHeader => _fromTrustedProxy && _context.Options.ProxyProtocol;

    /// <summary>The PROXY protocol step, on the raw socket before TLS and HTTP. False when the connection
    /// was dropped: a trusted proxy that sends no valid header is misconfigured or is not the proxy.</summary>
    private async Task<bool> ReadProxyHeaderAsync(CancellationToken deadline)
    {
        (ProxyHeader? header, string? problem, int bytesRead) result;
        try
        {
            result = await ProxyHeaderReader.ReadAsync(_socket, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
        {
            result = (null, "no complete PROXY header within handshake-timeout", 0);
        }
        _bytesReceived += result.bytesRead;
        if (result.header is not { } header)
        {
            _context.Metrics.ProxyHeaderRejected();
            EndBecause("no valid PROXY header");
            _context.SessionLog.LogWarning("{Peer} dropped: trusted proxy sent no valid PROXY protocol header: {Problem}", _peer, result.problem);
            return false;
        }
        if (header.Source is { } source)
            NameClient(AddressText.Canonical(source.Address), new IPEndPoint(AddressText.Canonical(source.Address), source.Port).ToString());
        _context.SessionLog.LogDebug("{Peer} PROXY v{Version} {Kind}", _peer, header.Version, header.Kind);
        return true;
    }

    /// <summary>Without --proxy-protocol, a trusted proxy names the client in X-Forwarded-For.</summary>
    private void ReadForwardedFor(RequestHead head)
    {
        if (!_fromTrustedProxy || _context.Options.ProxyProtocol) return;
        if (ForwardedFor.FindClient(head, _context.TrustedProxies.Contains) is { } client)
            NameClient(client, client.ToString());
    }

    private void NameClient(IPAddress client, string clientText)
    {
        _client = client;
        _peer = $"{clientText} via {_peerEndPoint}";
    }

    /// <summary>A relayed connection counts against max-connections-per-ip once its client is known;
    /// direct ones were counted at accept.</summary>
    private async Task<bool> CountClientAsync()
    {
        if (_slot.TryAttribute(_client)) return true;
        _context.Metrics.ConnectionRejected();
        EndBecause("too many connections from the client's address");
        _context.SessionLog.LogWarning("{Peer} refused: max-connections-per-ip reached for {Client}", _peer, _client);
        await WriteHttpAsync(HttpResponses.Error(503, "Too many connections from your address; try again later.",
                                                 [new KeyValuePair<string, string>("Retry-After", "5")])).ConfigureAwait(false);
        return false;
    }

    /// <summary>A PROXY header where none is expected: the sender is not a trusted proxy, or the daemon was
    /// not told to expect one. Refused with 400 (readable when someone tries it by hand) and logged, as it
    /// is either a forged client address or a load balancer pointed at the wrong setting.</summary>
    private async Task RefuseUnexpectedProxyHeaderAsync()
    {
        LogUnexpectedProxyHeader();
        await RefuseAsync(400, "PROXY protocol header not accepted from this address").ConfigureAwait(false);
    }

    private void LogUnexpectedProxyHeader()
    {
        string why = ExpectsProxyHeader ? "a second one, after the header already read"
            : _fromTrustedProxy ? "proxy-protocol is off"
            : $"{_peerEndPoint.Address} is not in trusted-proxies";
        _context.SessionLog.LogWarning("{Peer} refused: PROXY protocol header, but {Why}", _peer, why);
    }
}
