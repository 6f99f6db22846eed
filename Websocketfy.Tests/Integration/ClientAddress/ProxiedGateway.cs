using System.Net;
using System.Text;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Configuration.Syntax;
using Websocketfy.Tests.Support;
using static Websocketfy.Tests.Protocol.Proxy.ProxyHeaders;

namespace Websocketfy.Tests.Integration.ClientAddress;

/// <summary>The daemon in-process behind a pretend load balancer on 127.0.0.1; clients that connect
/// directly come from other loopback addresses (127.0.0.2, ...).</summary>
internal static class ProxiedGateway
{
    public static readonly IPAddress Proxy = IPAddress.Loopback;
    public static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.2");

    public static async Task<(GatewayHarness Gateway, OutputLines Log)> StartAsync(
        bool proxyProtocol, string trusted = "127.0.0.1", Func<GatewayOptions, GatewayOptions>? configure = null)
    {
        var gateway = await GatewayHarness.StartAsync(o =>
        {
            o = o with
            {
                ProxyProtocol = proxyProtocol,
                TrustedProxies = NetworkListSyntax.Parse(trusted).Value,
                HandshakeTimeout = TimeSpan.FromSeconds(3),
            };
            return configure is null ? o : configure(o);
        }, captureLog: true);
        return (gateway, gateway.Log);
    }

    /// <summary>The PROXY v2 header a load balancer writes for a TCP/IPv4 client.</summary>
    public static byte[] V2From(string client, int port) =>
        HeaderV2(CommandProxy, TcpIPv4, AddressBlock(client, "127.0.0.1", port, 8080));

    /// <summary>Connects from <paramref name="from"/>, sends <paramref name="prefix"/> and the upgrade request
    /// in one write, and returns the client with the answer's head.</summary>
    public static async Task<(RawWsClient Client, string Head)> UpgradeAsync(int port, IPAddress from, byte[] prefix, string extraHeaders = "")
    {
        var client = await RawWsClient.ConnectAsync(port, upgrade: false, from: from);
        await client.SendRawAsync([.. prefix, .. RawWsClient.UpgradeRequest(extraHeaders)]);
        return (client, await client.ReadHttpHeadAsync());
    }

    /// <summary>An SQL round trip over an upgraded connection; the reply text.</summary>
    public static async Task<string> QueryAsync(RawWsClient client)
    {
        await client.SendTextAsync("SELECT * FROM images");
        var frame = await client.ReadFrameAsync();
        return frame is null ? "(connection closed)" : Encoding.UTF8.GetString(frame.Payload);
    }

    public static async Task QuitAsync(RawWsClient client)
    {
        await client.SendTextAsync("QUIT");
        await client.ReadUntilCloseAsync();
    }
}
