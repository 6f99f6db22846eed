namespace Websocketfy.Daemon.Configuration;

/// <summary>The websocketfy.conf format: one "key = value" per line; blank lines; "#" starts a comment at
/// the start of a line or after white space (so "https://a.example/#x" keeps its "#"). Keys are the long
/// option names without dashes. Values are taken literally after trimming: no quotes, no escapes.
/// Every complaint names the file and line, as "websocketfy.conf:12: unknown key 'prot'".</summary>
internal static class ConfigFileParser
{
    public readonly record struct Result(IReadOnlyList<SettingAssignment> Assignments, string? Error);

    /// <param name="text">The file's contents.</param>
    /// <param name="fileName">The path as the operator gave it, used in messages.</param>
    public static Result Parse(string text, string fileName)
    {
        var assignments = new List<SettingAssignment>();
        var firstLineOf = new Dictionary<Setting, int>();
        int lineNumber = 0;
        foreach (ReadOnlySpan<char> rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            ReadOnlySpan<char> line = WithoutComment(rawLine).Trim();
            if (line.IsEmpty)
                continue;

            string where = $"{fileName}:{lineNumber}";
            int equals = line.IndexOf('=');
            if (equals < 0)
                return Fail($"{where}: expected 'key = value', found '{Excerpt(line)}'");
            string key = line[..equals].TrimEnd().ToString();
            string value = line[(equals + 1)..].TrimStart().ToString();
            if (key.Length == 0)
                return Fail($"{where}: missing key before '='");

            Setting? setting = SettingCatalog.Find(key);
            if (setting is null)
            {
                return Fail(key.Equals("config", StringComparison.OrdinalIgnoreCase)
                    ? $"{where}: 'config' cannot be set in a config file"
                    : $"{where}: unknown key '{key}'");
            }
            if (firstLineOf.TryGetValue(setting, out int firstLine) && !setting.Accumulates)
                return Fail($"{where}: duplicate key '{setting.Key}' (already set on line {firstLine})");
            firstLineOf.TryAdd(setting, lineNumber);
            assignments.Add(new SettingAssignment(setting, value, $"{where}: {setting.Key}"));
        }
        return new Result(assignments, null);
    }

    private static ReadOnlySpan<char> WithoutComment(ReadOnlySpan<char> line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
                return line[..i];
        }
        return line;
    }

    /// <summary>Enough of a bad line to recognise it, without pouring a binary file onto the terminal.</summary>
    private static string Excerpt(ReadOnlySpan<char> line) =>
        line.Length <= 40 ? line.ToString() : string.Concat(line[..40], "...");

    private static Result Fail(string error) => new([], error);
}
