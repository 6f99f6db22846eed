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

    /// <summary>Write the first <see cref="SirenPeerOptions.HoldMidReplyAfterBytes"/> bytes of each reply, then
    /// nothing more (the serving thread waits too) until <see cref="SirenPeerServer.ReleaseHeldReply"/>: a split
    /// that a test controls, where a slow writer would leave it to the scheduler.</summary>
    HoldMidReply,

    /// <summary>Do not listen: connection attempts to <see cref="SirenPeerServer.Port"/> are refused.</summary>
    RefuseConnections,
}
