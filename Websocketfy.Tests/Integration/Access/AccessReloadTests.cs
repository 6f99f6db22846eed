using System.Net.WebSockets;
using Websocketfy.Daemon.Auth;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>Reloads that change who may connect or where the audit trail goes, in process.</summary>
public sealed class AccessReloadTests
{
    [Test]
    public async Task TurningAuthenticationOn_EndsAnonymousConnections_AndAsksNewOnesForAToken()
    {
        using var tokens = new TokenSet();
        await using var gateway = await GatewayHarness.StartAsync();
        await using var anonymous = await gateway.ConnectAsync();
        Assert.That((await anonymous.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));

        var outcome = await gateway.Gateway.ReloadAsync(tokens.Configure(gateway.Gateway.CurrentOptions));
        Assert.That(outcome.Applied, Is.True, outcome.Problem);

        Received close = await anonymous.ReceiveAsync();
        Assert.That((close.CloseStatus, close.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.PolicyViolation, "credential revoked")));
        Assert.That((await Upgrade.TryAsync(gateway.Port)).Status, Is.EqualTo(401));
        await using var viewer = await gateway.ConnectWithTokenAsync(tokens["viewer"]);
        Assert.That((await viewer.RequestAsync("DELETE FROM images")).Text, Does.Contain("Permission denied"));
    }

    [Test]
    public async Task ABrokenTokensFile_RefusesTheReload_AndTheOldTokensStay()
    {
        using var tokens = new TokenSet();
        await using var gateway = await GatewayHarness.StartAsync(tokens.Configure);
        await using var admin = await gateway.ConnectWithTokenAsync(tokens["admin"]);
        File.AppendAllText(tokens.Path, "mallory root 0000\n");

        var outcome = await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions);
        Assert.That(outcome.Applied, Is.False);
        Assert.That(outcome.Problem, Does.Contain($"tokens file {tokens.Path}:6:"));
        Assert.That((await admin.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"), "open connections are not re-checked");
        await using var again = await gateway.ConnectWithTokenAsync(tokens["admin"]);
        Assert.That(again.Socket.State, Is.EqualTo(WebSocketState.Open));
    }

    [Test]
    public async Task ACommandRunningWhenTheAuditLogIsTurnedOn_IsAuditedThereWithItsStartTime()
    {
        using var dir = new TempTree();
        string log = Path.Combine(dir.Root, "audit.log");
        await using var gateway = await GatewayHarness.StartAsync(
            options => options with { AuditSqlText = true },
            peer: new SirenPeerOptions { Fault = SirenFault.HoldMidReply, HoldMidReplyAfterBytes = 2 });
        await using var client = await gateway.ConnectAsync();
        await client.SendTextAsync("SELECT 1");
        await gateway.Siren.WaitForCommandsAsync(1, TimeSpan.FromSeconds(30));

        Assert.That((await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { AuditLog = log })).Applied, Is.True);
        gateway.Siren.Fault = SirenFault.None;
        gateway.Siren.ReleaseHeldReply();
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("1\n1\n"));

        Assert.That(await Wait.UntilAsync(() => File.ReadAllText(log).Contains("SELECT 1"), TimeSpan.FromSeconds(30)), Is.True,
            "the command ended after the reload: it is audited in the log that reload opened");
        Assert.That(File.ReadAllText(log), Does.Not.Contain("0001-01-01"), "with the time it began, read although no log was open then");
    }

    [Test]
    public async Task AuditLog_CanBeTurnedOnAndMovedByAReload()
    {
        using var dir = new TempTree();
        string first = Path.Combine(dir.Root, "first.log"), second = Path.Combine(dir.Root, "second.log");
        // The SQL text in the lines (not only its hash), to tell the commands apart.
        await using var gateway = await GatewayHarness.StartAsync(options => options with { AuditSqlText = true });
        await using var client = await gateway.ConnectAsync();
        await client.RequestAsync("SELECT 1"); // no audit log yet

        Assert.That((await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { AuditLog = first })).Applied, Is.True);
        await client.RequestAsync("SELECT 2");
        // A command's line goes to the log current when the command ends, which is just after its reply
        // leaves: wait for it, or a fast reload could rightly send it to the next log. For the same reason
        // SELECT 1 may be in the first log too, if the reload came between its reply and its end.
        Assert.That(await Wait.UntilAsync(() => File.ReadAllText(first).Contains("SELECT 2"), TimeSpan.FromSeconds(30)), Is.True,
            "SELECT 2 is audited in the first log");
        Assert.That((await gateway.Gateway.ReloadAsync(gateway.Gateway.CurrentOptions with { AuditLog = second })).Applied, Is.True);
        await client.RequestAsync("SELECT 3");
        await client.DisposeAsync();
        await gateway.Gateway.StopAsync();

        string[] firstLines = File.ReadAllLines(first);
        Assert.That(firstLines.Count(line => line.Contains("\"event\":\"sql\"")), Is.InRange(1, 2), string.Join('\n', firstLines));
        Assert.That(firstLines, Has.None.Contains("SELECT 3"), "the retired log gets nothing after the move");
        Assert.That(firstLines, Has.None.Contains("0001-01-01"), "a command that began before the log was opened still has its start time");
        Assert.That(File.ReadAllLines(second), Has.Length.EqualTo(1).And.All.Contains("SELECT 3"), "SELECT 3 is audited in the second log");
    }
}
