using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// What the daemon and its SiREN peer hold when quiet, and the check that a fault left nothing more behind:
/// no session, open file, spool file, busy backend connection or descriptor. The daemon, the peer and the
/// test clients share this process, so descriptors are the process's; each pooled SiREN connection
/// accounts for two (the daemon's end and the peer's end).
/// </summary>
internal sealed record ResourceBaseline(IReadOnlyList<string> Descriptors, int IdleBackendConnections)
{
    private static readonly TimeSpan Settle = Wait.DefaultTimeout;
    // Once the daemon is quiet its descriptors are closed already (teardown closes before it forgets the
    // session); the short grace keeps a socket left to a finalizer from passing unnoticed.
    private static readonly TimeSpan DescriptorGrace = TimeSpan.FromSeconds(3);

    public static async Task<ResourceBaseline> TakeAsync(GatewayHarness gateway)
    {
        await AssertQuietAsync(gateway);
        return new ResourceBaseline(DaemonProcess.InProcess.DescriptorTargets(), gateway.Gateway.IdleBackendConnections);
    }

    public async Task AssertRestoredAsync(GatewayHarness gateway)
    {
        await AssertQuietAsync(gateway);
        int expected = Descriptors.Count + 2 * (gateway.Gateway.IdleBackendConnections - IdleBackendConnections);
        int descriptors = await DaemonProcess.InProcess.DescriptorsSettleAsync(expected, DescriptorGrace);
        Assert.That(descriptors, Is.LessThanOrEqualTo(expected), () => "open descriptors are back to the baseline; new since: " + NewSince());
    }

    private string NewSince()
    {
        var left = new List<string>(Descriptors);
        var added = new List<string>();
        foreach (string target in DaemonProcess.InProcess.DescriptorTargets())
            if (!left.Remove(target)) added.Add(target);
        return string.Join(", ", added);
    }

    private static async Task AssertQuietAsync(GatewayHarness gateway)
    {
        var daemon = gateway.Gateway;
        Assert.That(await Wait.UntilAsync(() => daemon.SessionCount == 0 && daemon.Metrics.ActiveConnections == 0, Settle),
                    Is.True, $"every connection is torn down ({daemon.SessionCount} sessions, {daemon.Metrics.ActiveConnections} active)");
        Assert.That(daemon.Metrics.OpenFiles, Is.EqualTo(0), "open files");
        Assert.That(daemon.Metrics.OpenSpoolFiles, Is.EqualTo(0), "open spool files");
        Assert.That(await Wait.UntilAsync(
                        () => daemon.Metrics.OpenBackendConnections == daemon.IdleBackendConnections
                              && gateway.Siren.ActiveConnections == daemon.Metrics.OpenBackendConnections, Settle),
                    Is.True, $"every SiREN connection left is idle in the pool ({daemon.Metrics.OpenBackendConnections} open, " +
                             $"{daemon.IdleBackendConnections} idle, {gateway.Siren.ActiveConnections} at the peer)");
    }
}
