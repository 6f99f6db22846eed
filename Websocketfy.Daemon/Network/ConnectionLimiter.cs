using System.Net;

namespace Websocketfy.Daemon.Network;

/// <summary>max-connections and max-connections-per-ip: a slot is taken at accept and given back at teardown.</summary>
internal sealed class ConnectionLimiter(int maxTotal, int maxPerAddress)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    public bool TryEnter(IPAddress address)
    {
        lock (_perAddress)
        {
            _perAddress.TryGetValue(address, out int count);
            if (_total >= maxTotal || count >= maxPerAddress) return false;
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
