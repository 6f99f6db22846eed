using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>The file root across a reload, on the in-process daemon (Gateway.ReloadAsync is what SIGHUP
/// calls): the root is resolved when the daemon starts and again at each reload, and files come from the
/// directory it led to then.</summary>
[TestFixture]
public sealed class RootReloadTests
{
    /// <summary>A root given as a symlink ("current" to "v1"), as a release-style layout has it.</summary>
    private static Task<GatewayHarness> StartOnALinkedRootAsync() => GatewayHarness.StartAsync(
        configure: options => options with { Root = Path.Combine(options.Root, "current") },
        populate: files =>
        {
            files.Write("v1/image.dcm", "v1");
            files.Write("v2/image.dcm", "v2");
            files.Link("current", files.PathOf("v1"));
        },
        captureLog: true);

    private static void PointTheLinkAt(GatewayHarness gateway, string target)
    {
        string link = gateway.Files.PathOf("current");
        File.Delete(link);
        File.CreateSymbolicLink(link, gateway.Files.PathOf(target));
    }

    [Test]
    public async Task RootSymlinkPointedElsewhere_IsServedFromWhereItLedAtStart_UntilAReloadTakesUpTheNewTarget()
    {
        await using var gateway = await StartOnALinkedRootAsync();
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v1"));

        PointTheLinkAt(gateway, "v2");
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v1"), "before the reload");

        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions);
        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v2"), "after the reload");
        await gateway.Log.WaitForAsync($"reload: root {gateway.Files.PathOf("current")} now leads to {gateway.Files.PathOf("v2")} (was {gateway.Files.PathOf("v1")})");
    }

    [Test]
    public async Task RootSymlinkPointedAtAnotherFileSystem_IsUnavailableInHealthz_UntilAReloadServesFromThere()
    {
        await using var gateway = await StartOnALinkedRootAsync();
        await using var client = await gateway.ConnectAsync();
        string link = gateway.Files.PathOf("current");
        File.Delete(link);
        // /proc: a readable directory on a file system of its own, as a newly mounted share would be.
        File.CreateSymbolicLink(link, "/proc");
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v1"), "before the reload");
        var before = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        Assert.That((before.Status, before.Json.GetProperty("root").GetProperty("error").GetString()),
                    Is.EqualTo((503, $"root '{link}' is no longer on the file system it was on at start-up or the last reload that changed it (unmounted?)")));

        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions);

        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        var after = await HttpAnswer.GetAsync(gateway.Port, "/healthz");
        Assert.That((after.Status, after.Json.GetProperty("root").GetProperty("state").GetString()), Is.EqualTo((200, "ok")));
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("File not found!"), "no longer served from v1");
    }

    [Test]
    public async Task SameRootUnusableAtAReload_DoesNotRefuseTheReload_AndTheTreeInUseKeepsServing()
    {
        await using var gateway = await StartOnALinkedRootAsync();
        PointTheLinkAt(gateway, "gone");

        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { IdleTimeout = TimeSpan.FromMinutes(7) });

        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        Assert.That(gateway.Gateway.CurrentOptions.IdleTimeout, Is.EqualTo(TimeSpan.FromMinutes(7)), "the rest of the reload applied");
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v1"));
    }

    [Test]
    public async Task NewRoot_IsServedAfterTheReload()
    {
        await using var gateway = await StartOnALinkedRootAsync();
        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { Root = gateway.Files.PathOf("v2") });
        Assert.That(outcome.Applied, Is.True, outcome.Problem);
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("REQUEST image.dcm")).Text, Is.EqualTo("v2"));
    }
}
