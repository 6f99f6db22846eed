namespace Websocketfy.Protocol.Frames;

/// <summary>RFC 6455 section 5.2 opcodes.</summary>
public enum Opcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}
