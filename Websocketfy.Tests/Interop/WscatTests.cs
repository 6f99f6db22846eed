using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// wscat (Node's ws library), the tool operators use, against the real daemon and the SiREN peer.
/// Without a terminal wscat prints each received message followed by a newline and nothing else;
/// a binary message is printed as if it were UTF-8 text, so files here are plain text.
/// </summary>
[TestFixture]
public sealed class WscatTests
{
    private const string NotePath = "notes/readme.txt";
    private const string Note = "Interop note: no patient data.\nSecond line.\n";
    private static readonly TimeSpan WscatTimeout = TimeSpan.FromSeconds(60);

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _gateway = await GatewayHarness.StartAsync(populate: files => files.Write(NotePath, Encoding.UTF8.GetBytes(Note)));

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [Test]
    public async Task Select_PrintsTheRowsSirenReturned()
    {
        var result = await RunUntilQuitAsync(_gateway.Port, DemoReplies.SelectAllImages);

        Assert.That(result, Is.EqualTo(new ProcessResult(0, DemoReplies.AllImages + "\n", "")));
    }

    [Test]
    public async Task RequestOfTextFile_PrintsTheFileContent()
    {
        var result = await RunUntilQuitAsync(_gateway.Port, "REQUEST " + NotePath);

        Assert.That(result, Is.EqualTo(new ProcessResult(0, Note + "\n", "")));
    }

    [Test]
    public async Task CommandsSentTogether_AreAnsweredInOrder()
    {
        // wscat writes every -x command at once, before any reply: the daemon must queue them.
        var result = await RunUntilQuitAsync(_gateway.Port,
            "REQUEST missing.txt", "SELECT * FROM images WHERE id = 2", "REQUEST " + NotePath);

        Assert.That(result, Is.EqualTo(new ProcessResult(0,
            DemoReplies.FileNotFound + "\n" + "id, label, path\n2, nodule, study1/img002.dcm\n" + "\n" + Note + "\n", "")));
    }

    [Test]
    public async Task DaemonPings_AreAnsweredByWscat_SoTheConnectionEndsWithTheClientsClose()
    {
        // A short ping interval: if wscat left a ping unanswered, the daemon would close with 1001
        // "ping timeout" (the first ping within about a second, its timeout 2 s later, noticed on the next
        // one-second tick) well before wscat's own close at the end of its 8-second wait.
        await using var gateway = await StartPingingGatewayAsync();
        var result = await ChildProcess.RunAsync(InteropTools.Wscat(),
            ["--show-ping-pong", "-c", Url(gateway.Port), "-x", "SELECT 1 AS a", "-w", "8"], WscatTimeout);
        string closes = await ClosesByCodeAsync(gateway);

        Assert.That((result.ExitCode, result.StandardOutput.Contains("Received ping", StringComparison.Ordinal), closes),
                    Is.EqualTo((0, true, "1000:1 1001:0")), result.ToString());
    }

    [Test]
    public async Task ClientThatIgnoresDaemonPings_IsClosedWith1001_SoTheTestAboveCanFail()
    {
        // The control for the test above, with a byte-level client that never answers a ping.
        await using var gateway = await StartPingingGatewayAsync();
        RawFrame? ping, close;
        using (var client = await RawWsClient.ConnectAsync(gateway.Port))
        {
            ping = await client.ReadFrameAsync();
            close = await client.ReadUntilCloseAsync();
            await client.SendFrameAsync(0x8, close?.Payload ?? []);
        }
        string closes = await ClosesByCodeAsync(gateway);

        Assert.That((ping?.Opcode, close?.CloseCode, closes), Is.EqualTo(((int?)0x9, (ushort?)1001, "1000:0 1001:1")));
    }

    /// <summary>A daemon that pings after 200 ms of quiet (checked on its one-second tick) and closes with
    /// 1001 when a ping stays unanswered for 2 s: time enough for a client on a busy machine to answer.</summary>
    private static Task<GatewayHarness> StartPingingGatewayAsync() =>
        GatewayHarness.StartAsync(o => o with
        {
            PingInterval = TimeSpan.FromMilliseconds(200),
            PingTimeout = TimeSpan.FromSeconds(2),
        });

    /// <summary>Sends the commands, then QUIT, and holds the connection open (-w -1): wscat only ends
    /// because the daemon answers QUIT by closing, after every earlier reply.</summary>
    private static Task<ProcessResult> RunUntilQuitAsync(int port, params string[] commands)
    {
        var arguments = new List<string> { "-c", Url(port), "-w", "-1" };
        foreach (string command in commands.Append("QUIT"))
        {
            arguments.Add("-x");
            arguments.Add(command);
        }
        return ChildProcess.RunAsync(InteropTools.Wscat(), arguments, WscatTimeout);
    }

    private static string Url(int port) => $"ws://127.0.0.1:{port}";

    /// <summary>The daemon's count of closes with 1000 and 1001, once the connection is gone (a close is counted
    /// before the connection stops being active).</summary>
    private static async Task<string> ClosesByCodeAsync(GatewayHarness gateway)
    {
        Assert.That(await Wait.UntilAsync(() => gateway.Gateway.Metrics.ActiveConnections == 0), Is.True, "the connection ended");
        string metrics = gateway.Gateway.Metrics.RenderPrometheus();
        return $"1000:{CloseCount(metrics, 1000)} 1001:{CloseCount(metrics, 1001)}";
    }

    private static string CloseCount(string metrics, int code)
    {
        string prefix = $"websocketfy_closes_total{{code=\"{code}\"}} ";
        foreach (string line in metrics.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line[prefix.Length..];
        }
        return "absent";
    }
}
