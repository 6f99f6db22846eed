namespace Websocketfy.Tests.Interop;

/// <summary>
/// Finds the third-party clients that .ci/run installs. A missing one fails the test with the way
/// to install it: a silent skip would let the interop suite pass without ever talking to a real client.
/// </summary>
internal static class InteropTools
{
    private static readonly Lazy<Task<string?>> LazyPython = new(FindPythonWithWebsocketsAsync);

    /// <summary>The wscat program on PATH.</summary>
    public static string Wscat()
    {
        string? path = FindOnPath("wscat");
        if (path is null)
        {
            Assert.Fail("wscat is not installed (not found on PATH). .ci/run installs it: npm install -g wscat@6");
        }
        return path!;
    }

    /// <summary>A Python 3 that can import websockets. Debian's /usr/bin/python3 comes first: that is
    /// where .ci/run's python3-websockets lands, while a pyenv python3 earlier on PATH lacks it.</summary>
    public static async Task<string> PythonWithWebsocketsAsync()
    {
        string? python = await LazyPython.Value;
        if (python is null)
        {
            Assert.Fail("No Python 3 with the websockets package (tried /usr/bin/python3 and python3 on PATH). " +
                        ".ci/run installs it: apt-get install python3-websockets");
        }
        return python!;
    }

    /// <summary>The folder of this source file's siblings in the repository (the Python client script).</summary>
    public static string SourceFolder => Path.Combine(SirenPeer.RepositoryPaths.Root, "Websocketfy.Tests", "Interop");

    private static async Task<string?> FindPythonWithWebsocketsAsync()
    {
        foreach (string? candidate in new[] { "/usr/bin/python3", FindOnPath("python3") })
        {
            if (candidate is null || !File.Exists(candidate)) continue;
            var probe = await ChildProcess.RunAsync(candidate, ["-c", "import websockets"], TimeSpan.FromSeconds(15));
            if (probe.ExitCode == 0) return candidate;
        }
        return null;
    }

    public static string? FindOnPath(string program)
    {
        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
