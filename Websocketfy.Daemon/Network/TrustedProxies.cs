using System.Net;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Protocol.Addresses;

namespace Websocketfy.Daemon.Network;

/// <summary>The load balancers and reverse proxies (--trusted-proxies) whose word on the client address is
/// taken. Read from the live settings at each use, so a reload applies to the next connection.</summary>
internal sealed class TrustedProxies(LiveOptions live)
{
    public bool Contains(IPAddress address)
    {
        IPAddress canonical = AddressText.Canonical(address);
        foreach (IPNetwork network in live.Current.TrustedProxies)
        {
            if (network.Contains(canonical))
                return true;
        }
        return false;
    }
}
