using System.Net;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Reload;

namespace Websocketfy.Tests.Daemon.Reload;

/// <summary>What a reload keeps and what it changes, worked out before anything is touched.</summary>
[TestFixture]
public sealed class ReloadPlanTests
{
    private static readonly GatewayOptions Running = new()
    {
        Port = 8080,
        Bind = IPAddress.IPv6Any,
        MaxMessageSize = 1024 * 1024,
        TlsCertificate = "/etc/websocketfy/cert.pem",
        TlsKey = "/etc/websocketfy/key.pem",
    };

    [Test]
    public void SameOptions_ChangeNothing()
    {
        var plan = ReloadPlan.Compute(Running, Running with { });

        Assert.That((plan.Changes, plan.NeedRestart, plan.Next), Is.EqualTo((Array.Empty<string>(), Array.Empty<string>(), Running)));
    }

    [Test]
    public void LiveSetting_TakesTheNewValue_AndIsLogged()
    {
        var plan = ReloadPlan.Compute(Running, Running with { MaxMessageSize = 2 * 1024 * 1024 });

        Assert.That(plan.Next.MaxMessageSize, Is.EqualTo(2 * 1024 * 1024));
        Assert.That(plan.Changes, Is.EqualTo(new[] { "max-message-size changed from 1M to 2M" }));
    }

    [Test]
    public void PortAndBind_KeepTheirRunningValue_AndAreLoggedAsNeedingARestart()
    {
        var plan = ReloadPlan.Compute(Running, Running with { Port = 9090, Bind = IPAddress.Loopback, IdleTimeout = TimeSpan.FromMinutes(5) });

        Assert.That((plan.Next.Port, plan.Next.Bind, plan.Next.IdleTimeout), Is.EqualTo((8080, IPAddress.IPv6Any, TimeSpan.FromMinutes(5))));
        Assert.That(plan.NeedRestart, Is.EqualTo(new[]
        {
            "port changed from 8080 to 9090: that needs a restart; still 8080",
            "bind changed from :: to 127.0.0.1: that needs a restart; still ::",
        }));
    }

    [Test]
    public void TurningTlsOff_NeedsARestart_AndKeepsTheCertificateFiles()
    {
        var plan = ReloadPlan.Compute(Running, Running with { TlsCertificate = null, TlsKey = null });

        Assert.That((plan.Next.TlsCertificate, plan.Next.TlsKey), Is.EqualTo((Running.TlsCertificate, Running.TlsKey)));
        Assert.That(plan.NeedRestart, Has.Count.EqualTo(1).And.Some.StartsWith("TLS turned off"));
        Assert.That(plan.Changes, Is.Empty);
    }

    [Test]
    public void TurningTlsOn_NeedsARestart()
    {
        var plain = Running with { TlsCertificate = null, TlsKey = null };

        var plan = ReloadPlan.Compute(plain, Running);

        Assert.That((plan.Next.TlsCertificate, plan.NeedRestart.Single()), Is.EqualTo(((string?)null, "TLS turned on (tls-certificate and tls-key set) needs a restart; still serving plain ws://")));
    }

    [Test]
    public void NewCertificatePaths_WhileTlsStaysOn_ChangeLive()
    {
        var plan = ReloadPlan.Compute(Running, Running with { TlsCertificate = "/etc/new/cert.pem" });

        Assert.That(plan.Next.TlsCertificate, Is.EqualTo("/etc/new/cert.pem"));
        Assert.That(plan.Changes, Is.EqualTo(new[] { "tls-certificate changed from /etc/websocketfy/cert.pem to /etc/new/cert.pem" }));
    }

    /// <summary>The listeners and the log format are set up once; everything else reloads live.</summary>
    [Test]
    public void OnlyListenersAndTheLogFormat_NeedARestart()
    {
        Assert.That(SettingCatalog.All.Where(s => !s.ReloadsLive).Select(s => s.Key),
                    Is.EqualTo(new[] { "port", "bind", "log-format", "ops-bind" }));
    }
}
