namespace Websocketfy.Tests.SirenPeer;

/// <summary>Files of the repository the SiREN peer tests read (found from the test assembly upwards).</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding Websocketfy.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The in-repository copy of the SiREN wire transcripts (so a clean clone has them).</summary>
    public static string Transcripts => Path.Combine(Root, "Websocketfy.Tests", "SirenPeer", "Transcripts");

    /// <summary>The sample image tree served by the demo.</summary>
    public static string SamplePacs => Path.Combine(Root, "samples", "pacs");

    /// <summary>The team's shared documents next to the worktree, when present (not in a clean clone).</summary>
    public static string SharedTranscripts => Path.GetFullPath(Path.Combine(Root, "..", "shared", "docs", "siren-transcripts"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Websocketfy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Websocketfy.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
