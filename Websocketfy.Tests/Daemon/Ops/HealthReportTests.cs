using System.Text.Json;
using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

public sealed class HealthReportTests
{
    private static readonly SirenStatus Up = new(SirenState.Up, null);
    private static readonly SirenStatus Down = new(SirenState.Down, "Connection refused");

    private static (int Code, JsonElement Json) Render(bool draining = false, string? rootProblem = null, SirenStatus? siren = null,
                                                      double uptimeSeconds = 3.9, long connections = 2)
    {
        var (code, json) = HealthReport.Render(draining, rootProblem, siren ?? Up, TimeSpan.FromSeconds(uptimeSeconds), connections);
        Assert.That(json, Does.EndWith("}\n").And.Not.Contain("\n{"), "one JSON object on one line");
        return (code, JsonDocument.Parse(json).RootElement.Clone());
    }

    [Test]
    public void AllWell_IsOk200_WithEveryField()
    {
        var (code, json) = Render();
        Assert.That(code, Is.EqualTo(200));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(json.GetProperty("siren").GetProperty("state").GetString(), Is.EqualTo("up"));
        Assert.That(json.GetProperty("siren").GetProperty("last_error").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(json.GetProperty("root").GetProperty("state").GetString(), Is.EqualTo("ok"));
        Assert.That(json.GetProperty("uptime_seconds").GetInt64(), Is.EqualTo(3));
        Assert.That(json.GetProperty("connections").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public void SirenDown_IsDegraded_ButStill200_WithTheError()
    {
        var (code, json) = Render(siren: Down);
        Assert.That(code, Is.EqualTo(200), "files are still served");
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("degraded"));
        Assert.That(json.GetProperty("siren").GetProperty("state").GetString(), Is.EqualTo("down"));
        Assert.That(json.GetProperty("siren").GetProperty("last_error").GetString(), Is.EqualTo("Connection refused"));
    }

    [Test]
    public void SirenNotCheckedYet_IsOk_AndSaysUnknown()
    {
        var (code, json) = Render(siren: new SirenStatus(SirenState.Unknown, null));
        Assert.That((code, json.GetProperty("status").GetString()), Is.EqualTo((200, "ok")));
        Assert.That(json.GetProperty("siren").GetProperty("state").GetString(), Is.EqualTo("unknown"));
    }

    [Test]
    public void RootGone_Is503Unavailable_WithTheReason()
    {
        var (code, json) = Render(rootProblem: "root '/pacs' does not exist", siren: Down);
        Assert.That(code, Is.EqualTo(503));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("unavailable"));
        Assert.That(json.GetProperty("root").GetProperty("state").GetString(), Is.EqualTo("gone"));
        Assert.That(json.GetProperty("root").GetProperty("error").GetString(), Is.EqualTo("root '/pacs' does not exist"));
    }

    [Test]
    public void Draining_Is503_WhateverElseHolds()
    {
        Assert.That(Render(draining: true).Code, Is.EqualTo(503));
        Assert.That(Render(draining: true).Json.GetProperty("status").GetString(), Is.EqualTo("draining"));
        Assert.That(Render(draining: true, rootProblem: "gone", siren: Down).Json.GetProperty("status").GetString(), Is.EqualTo("draining"));
    }

    [Test]
    public void ErrorText_IsEscapedAsJson()
    {
        var (_, json) = Render(siren: new SirenStatus(SirenState.Down, "quote \" backslash \\ newline \n end"));
        Assert.That(json.GetProperty("siren").GetProperty("last_error").GetString(), Is.EqualTo("quote \" backslash \\ newline \n end"));
    }
}
