using System.Text.Json;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// Runs browser.mjs (next to this file): Debian's headless Chromium driven by npm's playwright-core.
/// Both are installed by .ci/run; a missing one fails the test with the way to install it, since a
/// silent skip would let the suite pass without a browser ever talking to the daemon.
/// </summary>
internal static class BrowserDriver
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Chromium starting on a busy machine plus a 64 MiB transfer: generous, and ends as soon as the script does.</summary>
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    public static string Folder => Path.Combine(RepositoryPaths.Root, "Websocketfy.Tests", "Browser");

    /// <summary>Runs one scenario and returns what the script reported: { result, page }.</summary>
    public static async Task<BrowserRun> RunAsync(string scenario, JsonObject arguments)
    {
        (JsonNode? report, ProcessResult run) = await RunScriptAsync(scenario, arguments);
        if (report?["ok"]?.GetValue<bool>() != true)
        {
            Assert.Fail($"browser.mjs {scenario} failed: {report?["error"]?.GetValue<string>() ?? "no report"}\n{run}");
        }
        return new BrowserRun(report!["result"]!, report["page"]!);
    }

    /// <summary>Runs a scenario that must fail in the browser (a page that must not load) and returns the error.</summary>
    public static async Task<string> RunExpectingFailureAsync(string scenario, JsonObject arguments)
    {
        (JsonNode? report, ProcessResult run) = await RunScriptAsync(scenario, arguments);
        if (report is null || report["ok"]?.GetValue<bool>() != false)
        {
            Assert.Fail($"browser.mjs {scenario} was expected to fail in the browser\n{run}");
        }
        return report!["error"]?.GetValue<string>() ?? "";
    }

    private static async Task<(JsonNode? Report, ProcessResult Run)> RunScriptAsync(string scenario, JsonObject arguments)
    {
        string node = RequireTools();
        ProcessResult run = await ChildProcess.RunAsync(node, [Path.Combine(Folder, "browser.mjs"), scenario, arguments.ToJsonString()], ScriptTimeout);
        string? line = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        try { return (line is null ? null : JsonNode.Parse(line), run); }
        catch (JsonException) { return (null, run); }
    }

    /// <summary>The node program; fails the test when Chromium or playwright-core is missing.</summary>
    private static string RequireTools()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"Chromium is not installed ({Chromium} missing). .ci/run installs it: apt-get install chromium");
        }
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "playwright-core")))
        {
            Assert.Fail("playwright-core is not installed. .ci/run installs it: npm ci --prefix Websocketfy.Tests/Browser");
        }
        string? node = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "node")).FirstOrDefault(File.Exists);
        if (node is null)
        {
            Assert.Fail("node is not installed (not found on PATH). .ci/run needs Node.js for npm and the browser driver.");
        }
        return node!;
    }

    /// <summary>A folder for this fixture's screenshots under the test run's work directory.</summary>
    public static string ScreenshotFolder(string fixture)
    {
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "browser-screenshots", fixture);
        Directory.CreateDirectory(folder);
        return folder;
    }
}

/// <param name="Result">What the scenario reported.</param>
/// <param name="Page">How the page loaded: HTTP status, CSP header, console errors, uncaught errors, browser version.</param>
internal sealed record BrowserRun(JsonNode Result, JsonNode Page);

/// <summary>Short reads of the JSON reports.</summary>
internal static class JsonReading
{
    public static string? Str(this JsonNode? node, string key) => node?[key]?.GetValue<string>();

    public static long Long(this JsonNode? node, string key) => node?[key]?.GetValue<long>() ?? -1;

    public static bool Bool(this JsonNode? node, string key) => node?[key]?.GetValue<bool>() ?? false;

    public static string[] Strings(this JsonNode? node) => node is JsonArray array ? [.. array.Select(n => n?.ToString() ?? "")] : [];
}
