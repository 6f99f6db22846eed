using System.Text.Json;
using System.Text.RegularExpressions;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>--log-format on the real process: JSON lines for log shippers, syslog priorities for journald,
/// and the journal recognised from $JOURNAL_STREAM.</summary>
[TestFixture]
[NonParallelizable]
public sealed partial class LogFormatTests
{
    [GeneratedRegex(@"^<[0-7]>Websocketfy\.[A-Za-z]+\[\d+\] ")]
    private static partial Regex SystemdLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|crit|dbug|trce): Websocketfy\.")]
    private static partial Regex SimpleLine();

    private static async Task<string> RunOneCommandAsync(string[] extraArguments, bool journalStreamIsStderr = false,
                                                         IDictionary<string, string>? environment = null)
    {
        await using var siren = new SirenPeerServer();
        siren.Start();
        using var root = new TempTree();
        await using var daemon = DaemonProcess.Start(
            ["--bind", "127.0.0.1", "--port", "0", "--siren", $"127.0.0.1:{siren.Port}", "--root", root.Root, .. extraArguments],
            environment, journalStreamIsStderr: journalStreamIsStderr);
        int port = await daemon.WaitUntilListeningAsync();
        await using (var client = await WsClient.ConnectAsync(port))
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
        await daemon.Output.WaitForAsync(" ended after ");
        daemon.Terminate();
        await daemon.AssertExitsCleanlyAsync();
        return daemon.Output.SoFar;
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task Json_IsOneObjectPerLine_WithTheStructuredFields()
    {
        string output = await RunOneCommandAsync(["--log-format", "json"]);
        var objects = Lines(output).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.That(objects, Has.All.Matches<JsonElement>(o =>
            o.TryGetProperty("Timestamp", out _) && o.TryGetProperty("LogLevel", out _) &&
            o.TryGetProperty("Category", out _) && o.TryGetProperty("Message", out _)));

        var command = objects.Single(o => o.GetProperty("Category").GetString() == "Websocketfy.Command");
        Assert.That(command.GetProperty("LogLevel").GetString(), Is.EqualTo("Information"));
        Assert.That(DateTimeOffset.TryParse(command.GetProperty("Timestamp").GetString(), out _), Is.True);
        var fields = command.GetProperty("State");
        Assert.That(fields.GetProperty("Peer").GetString(), Does.StartWith("127.0.0.1:"));
        Assert.That(fields.GetProperty("Kind").GetString(), Is.EqualTo("Sql"));
        Assert.That(fields.GetProperty("Bytes").GetInt32(), Is.EqualTo("SELECT 1".Length));
        Assert.That(fields.GetProperty("Elapsed").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(command.GetProperty("Message").GetString(), Does.Contain("command Sql: 8 bytes in"));
    }

    [Test]
    public async Task Systemd_PrefixesEveryLineWithItsSyslogPriority()
    {
        string output = await RunOneCommandAsync(["--log-format", "systemd"]);
        Assert.That(Lines(output), Has.All.Match(SystemdLine().ToString()));
        Assert.That(output, Does.Contain("<6>Websocketfy.Gateway[0] listening on 127.0.0.1 port "));
        Assert.That(output, Does.Contain("<4>Websocketfy.Gateway[0] every browser Origin is allowed"), "a warning is priority 4");
    }

    [Test]
    public async Task Auto_IsSystemd_WhenJournalStreamNamesStderr()
    {
        string output = await RunOneCommandAsync([], journalStreamIsStderr: true);
        Assert.That(Lines(output), Has.All.Match(SystemdLine().ToString()));
    }

    [Test]
    public async Task Auto_IsSimple_WhenJournalStreamNamesSomethingElse()
    {
        // Inherited from a parent whose stderr was the journal: it must not count for ours.
        string output = await RunOneCommandAsync([], environment: new Dictionary<string, string> { ["JOURNAL_STREAM"] = "1:1" });
        Assert.That(Lines(output), Has.All.Match(SimpleLine().ToString()));
    }
}
