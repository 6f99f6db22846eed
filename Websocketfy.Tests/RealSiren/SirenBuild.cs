using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// Finds the build of the real SiREN server (upstream sources in <c>../shared/siren/</c>, built by its
/// <c>build.sh</c>) for the tests in the <see cref="Category"/> category.
/// </summary>
/// <remarks>
/// In order: <c>$WEBSOCKETFY_SIREN_BUILD</c> (a folder made by <c>build.sh DEST</c>); else
/// <c>.build/siren</c> in the repository, which <c>.ci/run</c> fills and which is brought up to date
/// here when <c>../shared/siren/</c> is next to the repository (instant when nothing changed). Without
/// either the tests are skipped, except in CI (<c>CI=true</c>), where that is a failure.
/// </remarks>
internal static class SirenBuild
{
    public const string Category = "RealSiren";
    public const string BuildVariable = "WEBSOCKETFY_SIREN_BUILD";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);
    private static readonly Lazy<Task<Located>> LazyFolder = new(LocateAsync);

    /// <summary>The repository's build folder, ignored by git.</summary>
    public static string DefaultFolder => Path.Combine(RepositoryPaths.Root, ".build", "siren");

    /// <summary>The shared build script next to the repository.</summary>
    public static string SharedScript => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "siren", "build.sh"));

    public static bool InCi =>
        Environment.GetEnvironmentVariable("CI") is string ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>The build folder (holding <c>serve.sh</c>); ends the test as skipped or failed when there is none.</summary>
    public static async Task<string> RequireAsync()
    {
        var (folder, problem, broken) = await LazyFolder.Value;
        if (folder is not null) return folder;
        if (broken) Assert.Fail(problem);
        if (InCi) Assert.Fail(problem + " In CI (CI=true) this is a failure: .ci/run builds the server before the tests.");
        Assert.Ignore(problem);
        return null!;
    }

    /// <summary>The Qt and SiREN versions the build reports (for the test output).</summary>
    public static string Describe(string folder)
    {
        string info = Path.Combine(folder, "BUILD-INFO");
        return File.Exists(info) ? File.ReadLines(info).First() : "no BUILD-INFO";
    }

    /// <param name="Broken">The parts are there but unusable: a failure everywhere, never a skip.</param>
    private sealed record Located(string? Folder, string Problem = "", bool Broken = false);

    private static async Task<Located> LocateAsync()
    {
        if (Environment.GetEnvironmentVariable(BuildVariable) is { Length: > 0 } chosen)
        {
            return IsBuilt(chosen)
                ? new Located(chosen)
                : new Located(null, $"{BuildVariable}={chosen} holds no SiREN build (no serve.sh and bin/Siren-Server); make one with shared/siren/build.sh DEST.", Broken: true);
        }

        if (File.Exists(SharedScript))
        {
            // build.sh keeps a build whose inputs did not change, so this is instant after .ci/run.
            var build = await ChildProcess.RunAsync(SharedScript, [DefaultFolder], BuildTimeout);
            if (build.ExitCode != 0 || !IsBuilt(DefaultFolder))
            {
                return new Located(null, $"{SharedScript} {DefaultFolder} failed:\n{build}", Broken: true);
            }
            return new Located(DefaultFolder);
        }

        if (IsBuilt(DefaultFolder)) return new Located(DefaultFolder);
        return new Located(null,
            $"The real SiREN server is not available: no {SharedScript} next to the repository (CI clones the " +
            $"repository next to shared/) and no build in {DefaultFolder}. Set {BuildVariable} to a folder made by " +
            "shared/siren/build.sh DEST to run these tests.");
    }

    private static bool IsBuilt(string folder) =>
        File.Exists(Path.Combine(folder, "serve.sh")) && File.Exists(Path.Combine(folder, "bin", "Siren-Server"));
}
