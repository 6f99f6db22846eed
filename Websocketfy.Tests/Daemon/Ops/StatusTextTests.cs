using Websocketfy.Daemon.Backend;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

public sealed class StatusTextTests
{
    [Test]
    public void Serving_CountsConnections_AndSaysHowSirenIs()
    {
        Assert.That(StatusText.Describe(12, new SirenStatus(SirenState.Up, "old"), StopPhase.None), Is.EqualTo("serving 12 connections, SiREN up"));
        Assert.That(StatusText.Describe(1, new SirenStatus(SirenState.Down, "Connection refused"), StopPhase.None),
                    Is.EqualTo("serving 1 connection, SiREN down (Connection refused)"));
        Assert.That(StatusText.Describe(0, new SirenStatus(SirenState.Unknown, null), StopPhase.None),
                    Is.EqualTo("serving 0 connections, SiREN not checked yet"));
    }

    [Test]
    public void Draining_SaysSo() =>
        Assert.That(StatusText.Describe(3, new SirenStatus(SirenState.Up, null), StopPhase.Draining), Is.EqualTo("draining 3 connections"));

    [Test]
    public void DuringDrainDelay_SaysItStillServes() =>
        Assert.That(StatusText.Describe(1, new SirenStatus(SirenState.Up, null), StopPhase.Announced),
                    Is.EqualTo("stopping: serving 1 connection until drain-delay ends, /healthz says draining"));

    [Test]
    public void AnErrorWithALineBreak_StaysOnOneLine() =>
        Assert.That(StatusText.Describe(0, new SirenStatus(SirenState.Down, "a\nb\r\nc"), StopPhase.None), Does.Not.Contain("\n").And.Not.Contain("\r"));
}
