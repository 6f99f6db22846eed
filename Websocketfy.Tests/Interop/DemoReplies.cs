namespace Websocketfy.Tests.Interop;

/// <summary>What the demo SiREN peer answers, as the gateway relays it (PROTOCOL.md section 2 format).</summary>
internal static class DemoReplies
{
    public const string SelectAllImages = "SELECT * FROM images";

    /// <summary>The reply to <see cref="SelectAllImages"/>: columns sorted by name, then the five seeded rows.</summary>
    public const string AllImages =
        "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n" +
        "3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n";

    public const string FileNotFound = "File not found!";
}
