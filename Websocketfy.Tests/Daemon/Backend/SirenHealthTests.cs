using Websocketfy.Daemon.Backend;

namespace Websocketfy.Tests.Daemon.Backend;

public sealed class SirenHealthTests
{
    [Test]
    public void StartsUnknown_ThenTheLastObservationWins_ReportingEachChangeOnce()
    {
        var health = new SirenHealth();
        var changes = new List<SirenStatus>();
        health.Changed += changes.Add;
        Assert.That(health.Status, Is.EqualTo(new SirenStatus(SirenState.Unknown, null)));

        health.Succeeded();
        health.Succeeded();
        health.Failed("Connection refused");
        health.Failed("no greeting within 5 s");
        health.Succeeded();

        Assert.That(changes, Is.EqualTo(new[]
        {
            new SirenStatus(SirenState.Up, null),
            new SirenStatus(SirenState.Down, "Connection refused"),
            new SirenStatus(SirenState.Up, "no greeting within 5 s"),
        }));
        Assert.That(health.Status, Is.EqualTo(new SirenStatus(SirenState.Up, "no greeting within 5 s")), "the last error is kept for the operator");
    }
}
