namespace Websocketfy.SirenDemo;

/// <summary>
/// Misbehaviours the peer can put on for the gateway's fault-injection tests. Everything but
/// <see cref="None"/> departs from real SiREN on purpose.
/// </summary>
public enum SirenFault
{
    /// <summary>Behave like SiREN.</summary>
    None,

    /// <summary>Accept connections but never write the greeting prompt (nor anything else).</summary>
    NoGreeting,

    /// <summary>Greet, read and record commands, never reply.</summary>
    NeverAnswer,

    /// <summary>Write each reply one byte at a time, <see cref="SirenPeerOptions.SlowByteDelay"/> apart.</summary>
    SlowBytes,

    /// <summary>Write the first part of each reply, then close the connection.</summary>
    CloseMidReply,

    /// <summary>Do not listen: connection attempts to <see cref="SirenPeerServer.Port"/> are refused.</summary>
    RefuseConnections,
}
