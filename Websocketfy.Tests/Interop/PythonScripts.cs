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
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = new JsonElement[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            using var document = JsonDocument.Parse(lines[i]);
            parsed[i] = document.RootElement.Clone();
        }
        return parsed;
    }
}
