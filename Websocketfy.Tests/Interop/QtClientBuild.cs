using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Builds the QWebSocket client (qt-client/, next to this file) with Debian's Qt 5 into the ignored
/// folder .build/qt-client: once per test run, and incrementally (qmake only when the project file
/// changed, then make), so a run where nothing changed costs a make that has nothing to do.
/// </summary>
internal static class QtClientBuild
{
    public const string Category = "QtClient";

    private const string WebSocketHeader = "/usr/include/x86_64-linux-gnu/qt5/QtWebSockets/QWebSocket";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<(string? Program, string Problem)>> LazyProgram = new(BuildAsync);

    public static string SourceFolder => Path.Combine(InteropTools.SourceFolder, "qt-client");

    public static string BuildFolder => Path.Combine(RepositoryPaths.Root, ".build", "qt-client");

    /// <summary>The built client; a test fails when Qt is missing or the build fails (.ci/run installs Qt).</summary>
    public static async Task<string> RequireAsync()
    {
        var (program, problem) = await LazyProgram.Value;
        if (program is null) Assert.Fail(problem);
        return program!;
    }

    private static async Task<(string?, string)> BuildAsync()
    {
        string? qmake = InteropTools.FindOnPath("qmake");
        if (qmake is null || !File.Exists(WebSocketHeader))
        {
            return (null, "Qt 5 with QtWebSockets is not installed (qmake or " + WebSocketHeader + " missing). " +
                          ".ci/run installs it: apt-get install qtbase5-dev libqt5websockets5-dev");
        }

        Directory.CreateDirectory(BuildFolder);
        string project = Path.Combine(SourceFolder, "qt-client.pro");
        string makefile = Path.Combine(BuildFolder, "Makefile");
        if (!File.Exists(makefile) || File.GetLastWriteTimeUtc(project) > File.GetLastWriteTimeUtc(makefile))
        {
            var configured = await ChildProcess.RunAsync(qmake, ["-o", makefile, project], StepTimeout, BuildFolder);
            if (configured.ExitCode != 0) return (null, "qmake failed:\n" + configured);
        }

        var made = await ChildProcess.RunAsync("make", ["-C", BuildFolder, "-j2"], StepTimeout);
        string program = Path.Combine(BuildFolder, "qt-client");
        return made.ExitCode == 0 && File.Exists(program) ? (program, "") : (null, "building the Qt client failed:\n" + made);
    }
}
