using System.Text.Json;

namespace Websocketfy.Tests.Interop;

/// <summary>Reading a client program's JSON lines: a missing property is an assertion failure, not a crash.</summary>
internal static class JsonLine
{
    /// <summary>One element per non-empty line of <paramref name="output"/>.</summary>
    public static JsonElement[] ParseAll(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = new JsonElement[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            using var document = JsonDocument.Parse(lines[i]);
            parsed[i] = document.RootElement.Clone();
        }
        return parsed;
    }

    public static string? Str(this JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) ? value.GetString() : Missing<string>(line, name);

    public static int Int(this JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) ? value.GetInt32() : Missing<int>(line, name);

    private static T Missing<T>(JsonElement line, string name)
    {
        Assert.Fail($"no \"{name}\" in the script's line {line.GetRawText()}");
        return default!;
    }
}
