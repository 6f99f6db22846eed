namespace Websocketfy.Tests.Support;

/// <summary>SQL commands whose replies from the SiREN peer have a known scale.</summary>
public static class Queries
{
    /// <summary>200,000 rows, about 12.5 MB: several times what the socket buffers between the daemon and a
    /// client hold, so a client that stops reading leaves the daemon mid-reply; the peer needs about a second.</summary>
    public const string Large = "SELECT * FROM huge_images, images WHERE images.id <= 2";

    /// <summary>
    /// The bound on waiting for the first byte of <see cref="Large"/>'s reply (and for what needs all of it). The
    /// peer builds a whole reply before it writes any, so that wait covers work, not an event: about a second of
    /// CPU on an idle machine, which took 15 s with other work keeping both cores busy (load average 40), and the
    /// usual 30 s bound on silence failed there. The waits still end with the first byte.
    /// </summary>
    public static readonly TimeSpan LargeReplyPatience = TimeSpan.FromSeconds(120);

    /// <summary>100,000 rows, about 3.3 MB.</summary>
    public const string Huge = "SELECT * FROM huge_images";
}
