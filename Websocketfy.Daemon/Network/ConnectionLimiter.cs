using System.Net;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Network;

/// <summary>max-connections and max-connections-per-ip: a slot is taken at accept and given back at teardown.
/// The limits are read at each accept, so a reload applies them to the next connection (lowering them
/// closes nobody: the connections above the new limit end on their own).</summary>
internal sealed class ConnectionLimiter(LiveOptions live)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    public bool TryEnter(IPAddress address)
    {
        GatewayOptions options = live.Current;
        lock (_perAddress)
        {
            _perAddress.TryGetValue(address, out int count);
            if (_total >= options.MaxConnections || count >= options.MaxConnectionsPerIp) return false;
            _perAddress[address] = count + 1;
            _total++;
            return true;
        }
    }

    public void Leave(IPAddress address)
    {
        lock (_perAddress)
        {
            _total--;
            if (_perAddress.TryGetValue(address, out int count) && count > 1) _perAddress[address] = count - 1;
            else _perAddress.Remove(address);
        }
    }
}
