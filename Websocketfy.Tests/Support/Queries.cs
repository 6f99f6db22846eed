namespace Websocketfy.Tests.Support;

/// <summary>SQL commands whose replies from the SiREN peer have a known scale.</summary>
public static class Queries
{
    /// <summary>200,000 rows, about 12.5 MB: several times what the socket buffers between the daemon and a
    /// client hold, so a client that stops reading leaves the daemon mid-reply; the peer needs about a second.</summary>
    public const string Large = "SELECT * FROM huge_images, images WHERE images.id <= 2";

    /// <summary>100,000 rows, about 3.3 MB.</summary>
    public const string Huge = "SELECT * FROM huge_images";
}
