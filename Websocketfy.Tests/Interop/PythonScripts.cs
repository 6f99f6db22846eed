using System.Text.Json;

namespace Websocketfy.Tests.Interop;

/// <summary>Runs the Python client scripts next to this file, which print one JSON object per line.</summary>
internal static class PythonScripts
{
    /// <summary>Runs the script; it must exit 0. Returns its JSON lines.</summary>
    public static async Task<JsonElement[]> RunAsync(string script, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        string python = await InteropTools.PythonWithWebsocketsAsync();
        var result = await ChildProcess.RunAsync(python, [Path.Combine(InteropTools.SourceFolder, script), .. arguments], timeout);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return JsonLine.ParseAll(result.StandardOutput);
    }
}
