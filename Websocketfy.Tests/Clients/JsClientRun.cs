using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Clients;

/// <summary>Where clients/js/websocketfy.js runs: Node, or Debian's headless Chromium.</summary>
public enum JsRuntime { Node, Chromium }

/// <summary>
/// Runs a scenario of Js/scenarios.mjs with the real clients/js/websocketfy.js, in Node (Js/node-run.mjs)
/// or in Chromium driven by playwright-core (Browser/js-client.mjs, next to the other Browser tests'
/// driver and its playwright-core). .ci/run installs Chromium and
/// playwright-core; a missing one fails the test with the way to install it.
/// </summary>
internal static class JsClientRun
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Chromium starting on a busy machine plus tens of MiB: generous, ends as soon as the script does.</summary>
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    public static string Folder => Path.Combine(RepositoryPaths.Root, "Websocketfy.Tests", "Clients", "Js");

    private static string BrowserFolder => Path.Combine(RepositoryPaths.Root, "Websocketfy.Tests", "Browser");

    /// <summary>What the scenario returned; fails the test when the script failed.</summary>
    public static async Task<JsonNode> RunAsync(JsRuntime runtime, string scenario, JsonObject arguments)
    {
        string node = InteropTools.FindOnPath("node") ?? "";
        if (node.Length == 0) Assert.Fail("node is not installed (not found on PATH); .ci/run needs Node.js for npm.");
        string[] script = runtime switch
        {
            JsRuntime.Node => ["--experimental-websocket", Path.Combine(Folder, "node-run.mjs")],
            _ => [Path.Combine(BrowserFolder, "js-client.mjs")],
        };
        if (runtime == JsRuntime.Chromium) RequireChromium();
        var run = await ChildProcess.RunAsync(node, [.. script, scenario, arguments.ToJsonString()], ScriptTimeout);
        string? line = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        JsonNode? report = null;
        try { report = line is null ? null : JsonNode.Parse(line); }
        catch (System.Text.Json.JsonException) { }
        if (report?["ok"]?.GetValue<bool>() != true)
        {
            Assert.Fail($"{runtime} scenario {scenario} failed: {report?["error"]?.GetValue<string>() ?? "no report"}\n{run}");
        }
        return report!["result"]!;
    }

    private static void RequireChromium()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"Chromium is not installed ({Chromium} missing). .ci/run installs it: apt-get install chromium");
        }
        if (!Directory.Exists(Path.Combine(BrowserFolder, "node_modules", "playwright-core")))
        {
            Assert.Fail("playwright-core is not installed. .ci/run installs it: npm ci --prefix Websocketfy.Tests/Browser");
        }
    }
}
