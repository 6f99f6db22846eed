using System.Net;

namespace Websocketfy.SirenDemo;

/// <summary>How a <see cref="SirenPeerServer"/> listens, what it serves, and how it misbehaves.</summary>
public sealed record SirenPeerOptions
{
    /// <summary>Address to listen on; loopback unless a demo needs more.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="SirenPeerServer.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>SQLite database file; null keeps the data in memory, private to this server.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>Whether to create the demo tables (images, big_images, huge_images) when missing.</summary>
    public bool Seed { get; init; } = true;

    /// <summary>The misbehaviour to start with (it can be changed later through <see cref="SirenPeerServer.Fault"/>).</summary>
    public SirenFault Fault { get; init; } = SirenFault.None;

    /// <summary>Pause between bytes under <see cref="SirenFault.SlowBytes"/>.</summary>
    public TimeSpan SlowByteDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Bytes of the reply written before closing under <see cref="SirenFault.CloseMidReply"/>;
    /// 0 means half the reply. Never the whole reply.
    /// </summary>
    public int CloseMidReplyAfterBytes { get; init; }

    /// <summary>Bytes of the reply written before the hold under <see cref="SirenFault.HoldMidReply"/>.</summary>
    public int HoldMidReplyAfterBytes { get; init; }

    /// <summary>Receives one line per connection event and per command (called on the serving thread).</summary>
    public Action<string>? Log { get; init; }
}
