using System.Text;

namespace Websocketfy.SirenDemo;

/// <summary>One chunk the peer read from a client: what SiREN takes as one command.</summary>
/// <param name="ConnectionId">Which connection (1-based, in accept order over the server's life).</param>
/// <param name="Bytes">Exactly the bytes of that socket read.</param>
public sealed record ReceivedCommand(int ConnectionId, byte[] Bytes)
{
    /// <summary>The chunk decoded as UTF-8, for assertions and logs.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);
}
