namespace Websocketfy.Protocol.V2;

/// <summary>The name a client offers in Sec-WebSocket-Protocol to speak v2 (PROTOCOL-V2.md);
/// without it a connection speaks the classic protocol.</summary>
public static class V2Subprotocol
{
    public const string Name = "websocketfy.v2";
}
