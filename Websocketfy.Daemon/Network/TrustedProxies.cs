using System.Net;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Daemon.Network;

/// <summary>The load balancers and reverse proxies (--trusted-proxies) whose word on the client address is taken.</summary>
internal sealed class TrustedProxies(IReadOnlyList<IPNetwork> networks)
{
    public bool Contains(IPAddress address)
    {
        IPAddress canonical = AddressText.Canonical(address);
        foreach (IPNetwork network in networks)
        {
            if (network.Contains(canonical))
                return true;
        }
        return false;
    }
}
