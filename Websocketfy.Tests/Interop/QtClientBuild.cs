using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Builds the Qt programs the tests run with Debian's Qt 5 into the ignored folder .build/NAME: the
/// QWebSocket client (qt-client/, next to this file) and the test program of clients/qt's v2 client.
/// Once per test run each, and incrementally (qmake only when the project file changed, then make),
/// so a run where nothing changed costs a make that has nothing to do.
/// </summary>
internal static class QtClientBuild
{
    public const string Category = "QtClient";

    private const string WebSocketHeader = "/usr/include/x86_64-linux-gnu/qt5/QtWebSockets/QWebSocket";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<Task<(string? Program, string Problem)>> LazyProgram =
        new(() => BuildAsync(Path.Combine(InteropTools.SourceFolder, "qt-client"), "qt-client"));
    private static readonly Lazy<Task<(string? Program, string Problem)>> LazyV2Test =
        new(() => BuildAsync(Path.Combine(RepositoryPaths.Root, "Websocketfy.Tests", "Clients", "Qt"), "v2-client-test"));

    /// <summary>The built client; a test fails when Qt is missing or the build fails (.ci/run installs Qt).</summary>
    public static Task<string> RequireAsync() => RequireAsync(LazyProgram);

    /// <summary>The test program of clients/qt (WebsocketfyClient), built the same way.</summary>
    public static Task<string> RequireV2ClientTestAsync() => RequireAsync(LazyV2Test);

    private static async Task<string> RequireAsync(Lazy<Task<(string? Program, string Problem)>> build)
    {
        var (program, problem) = await build.Value;
        if (program is null) Assert.Fail(problem);
        return program!;
    }

    /// <param name="sourceFolder">Holds NAME.pro.</param>
    private static async Task<(string?, string)> BuildAsync(string sourceFolder, string name)
    {
        string? qmake = InteropTools.FindOnPath("qmake");
        if (qmake is null || !File.Exists(WebSocketHeader))
        {
            return (null, "Qt 5 with QtWebSockets is not installed (qmake or " + WebSocketHeader + " missing). " +
                          ".ci/run installs it: apt-get install qtbase5-dev libqt5websockets5-dev");
        }

        string buildFolder = Path.Combine(RepositoryPaths.Root, ".build", name);
        Directory.CreateDirectory(buildFolder);
        string project = Path.Combine(sourceFolder, name + ".pro");
        string makefile = Path.Combine(buildFolder, "Makefile");
        if (!File.Exists(makefile) || File.GetLastWriteTimeUtc(project) > File.GetLastWriteTimeUtc(makefile))
        {
            var configured = await ChildProcess.RunAsync(qmake, ["-o", makefile, project], StepTimeout, buildFolder);
            if (configured.ExitCode != 0) return (null, "qmake failed:\n" + configured);
        }

        var made = await ChildProcess.RunAsync("make", ["-C", buildFolder, "-j2"], StepTimeout);
        string program = Path.Combine(buildFolder, name);
        return made.ExitCode == 0 && File.Exists(program) ? (program, "") : (null, $"building {name} failed:\n" + made);
    }
}
