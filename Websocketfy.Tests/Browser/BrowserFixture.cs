using System.Text.Json.Nodes;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// A browser fixture: the real daemon (in-process, console on) in front of the SiREN peer, and one
/// run of browser.mjs against it in the fixture's set-up; the tests then check what the browser saw.
/// </summary>
public abstract class BrowserFixture
{
    protected GatewayHarness Gateway { get; private set; } = null!;

    internal BrowserRun Run { get; private set; } = null!;

    protected string PageUrl => $"http://127.0.0.1:{Gateway.Port}/";

    /// <summary>Starts the daemon with the console on, then <paramref name="configure"/>.</summary>
    protected async Task StartGatewayAsync(Func<GatewayOptions, GatewayOptions>? configure = null, Action<TempTree>? populate = null)
    {
        Gateway = await GatewayHarness.StartAsync(o => configure is null ? o with { Console = true } : configure(o with { Console = true }),
                                                  populate: populate);
    }

    /// <summary>Runs a scenario against the page at <see cref="PageUrl"/> (unless the arguments name a url).</summary>
    protected async Task BrowseAsync(string scenario, JsonObject arguments)
    {
        arguments["url"] ??= PageUrl;
        Run = await BrowserDriver.RunAsync(scenario, arguments);
    }

    private readonly List<string> _actionNames = [];
    private readonly JsonArray _actions = [];

    /// <summary>Adds an action of the console scenario under a name, for <see cref="Action"/>.</summary>
    protected void AddAction(string name, JsonObject action)
    {
        _actionNames.Add(name);
        _actions.Add(action);
    }

    /// <summary>Runs the console scenario with the actions added so far (and <paramref name="arguments"/>).</summary>
    protected Task BrowseConsoleAsync(JsonObject? arguments = null)
    {
        arguments ??= [];
        arguments["actions"] = _actions;
        return BrowseAsync("console", arguments);
    }

    /// <summary>What the page reported for the action added as <paramref name="name"/>; fails the test when it failed in the browser.</summary>
    protected JsonNode Action(string name)
    {
        JsonNode action = Run.Result["actions"]![_actionNames.IndexOf(name)]!;
        Assert.That(action.Str("error"), Is.Null, $"action {name} failed in the browser");
        return action;
    }

    /// <summary>What the page reported for step <paramref name="index"/> of a websocket scenario; fails the
    /// test when that step failed in the page.</summary>
    protected JsonNode Step(int index)
    {
        JsonNode step = Run.Result[index]!;
        Assert.That(step.Str("error"), Is.Null, $"step {index} failed in the page");
        return step;
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
    }
}
