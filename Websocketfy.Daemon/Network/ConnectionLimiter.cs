using System.Net;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Network;

/// <summary>max-connections and max-connections-per-ip. A connection takes its slot at accept and gives it
/// back at teardown (<see cref="ConnectionSlot"/>). A connection relayed by a trusted proxy is counted against
/// max-connections at accept, and against the per-address limit once the client's address is known.
/// The limits are read at each check, so a reload applies them to the next connection (lowering them
/// closes nobody: the connections above the new limit end on their own).</summary>
internal sealed class ConnectionLimiter(LiveOptions live)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    /// <param name="address">The client, or null when it is not known yet (the peer is a trusted proxy).</param>
    public ConnectionSlot? TryEnter(IPAddress? address)
    {
        GatewayOptions options = live.Current;
        lock (_perAddress)
        {
            if (_total >= options.MaxConnections || (address is not null && !TryCount(address, options))) return null;
            _total++;
            return new ConnectionSlot(this, address);
        }
    }

    /// <summary>Counts a connection against the per-address limit once its client address is known.</summary>
    public bool TryAttribute(IPAddress address)
    {
        GatewayOptions options = live.Current;
        lock (_perAddress) return TryCount(address, options);
    }

    public void Leave(IPAddress? address)
    {
        lock (_perAddress)
        {
            _total--;
            if (address is null) return;
            if (_perAddress.TryGetValue(address, out int count) && count > 1) _perAddress[address] = count - 1;
            else _perAddress.Remove(address);
        }
    }

    private bool TryCount(IPAddress address, GatewayOptions options)
    {
        _perAddress.TryGetValue(address, out int count);
        if (count >= options.MaxConnectionsPerIp) return false;
        _perAddress[address] = count + 1;
        return true;
    }
}

/// <summary>One connection's place in the limits; disposing it gives the place back.</summary>
internal sealed class ConnectionSlot(ConnectionLimiter limiter, IPAddress? address) : IDisposable
{
    private IPAddress? _address = address;
    private int _disposed;

    /// <summary>Counts the connection against its client's address (once). False when that address already
    /// has max-connections-per-ip connections.</summary>
    public bool TryAttribute(IPAddress client)
    {
        if (_address is not null) return _address.Equals(client);
        if (!limiter.TryAttribute(client)) return false;
        _address = client;
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) limiter.Leave(_address);
    }
}
