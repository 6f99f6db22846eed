using System.Text.RegularExpressions;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The batched stderr log on the real process: every line reaches stderr by the exit a SIGTERM starts,
/// and a stderr nobody reads costs dropped (and counted) lines, never a stalled or crashed daemon.</summary>
[TestFixture]
[NonParallelizable]
public sealed partial class StderrLogProcessTests
{
    [GeneratedRegex(@"(\d+) log lines dropped: stderr did not take them as fast as they came")]
    private static partial Regex DroppedLine();

    private static bool Accepts(int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpClient();
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>A SiREN peer, a file root and the daemon in front of them, on a port chosen here and probed (with
    /// stderr unread, the listening line cannot be read).</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly SirenPeerServer _siren = new();
        private readonly TempTree _root = new();

        public DaemonProcess Daemon { get; private set; } = null!;
        public int Port { get; } = DaemonProcess.FreePort();

        public static async Task<Rig> StartAsync(string[] extraArguments, bool readStderr)
        {
            var rig = new Rig();
            rig._siren.Start();
            rig.Daemon = DaemonProcess.Start(
                ["--bind", "127.0.0.1", "--port", rig.Port.ToString(), "--siren", $"127.0.0.1:{rig._siren.Port}", "--root", rig._root.Root,
                 .. extraArguments], readStderr: readStderr);
            Assert.That(await Wait.UntilAsync(() => Accepts(rig.Port)), Is.True, "the daemon did not listen");
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await Daemon.DisposeAsync();
            await _siren.DisposeAsync();
            _root.Dispose();
        }
    }

    private static async Task QueryAsync(int port, int count)
    {
        await using var client = await WsClient.ConnectAsync(port);
        for (int i = 0; i < count; i++)
            Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }

    [Test]
    public async Task EveryCommandLine_IsWritten_BeforeTheExitASigtermStarts()
    {
        const int commands = 300;
        await using var rig = await Rig.StartAsync([], readStderr: true);
        var (daemon, port) = (rig.Daemon, rig.Port);
        // The SIGTERM follows the last reply at once, while its line may still wait for the writer's linger.
        await using (var client = await WsClient.ConnectAsync(port))
        {
            for (int i = 0; i < commands; i++) Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
            daemon.Terminate();
        }
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0));
        string[] lines = daemon.Output.SoFar.Split('\n');
        Assert.That(lines.Count(line => line.Contains(" command Sql: 8 bytes in, ", StringComparison.Ordinal)), Is.EqualTo(commands));
    }

    [Test]
    public async Task AStderrNobodyReads_CostsDroppedLines_NotClients()
    {
        // JSON lines, ~400 bytes each.
        await using var rig = await Rig.StartAsync(["--log-format", "json"], readStderr: false);
        var (daemon, port) = (rig.Daemon, rig.Port);

        // The 64 KiB pipe and the sink's 256 KiB bound hold ~800 of these lines. Four clients at once, 2,500
        // commands in all: every one answered while the log cannot be written, and a newcomer too.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => QueryAsync(port, 625)));
        await QueryAsync(port, 1);
        Assert.That(daemon.HasExited, Is.False);
        var metrics = await HttpAnswer.GetAsync(port, "/metrics");
        var counted = Regex.Match(metrics.Body, @"websocketfy_log_lines_dropped_total (\d+)\n");
        Assert.That(counted.Success && long.Parse(counted.Groups[1].Value) > 0, Is.True, metrics.Body);

        daemon.StartReadingStderr();
        var dropped = await daemon.Output.WaitForAsync(DroppedLine());
        Assert.That(long.Parse(dropped.Groups[1].Value), Is.GreaterThan(0));

        daemon.Terminate();
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0));
    }

    [Test]
    public async Task AStderrNobodyReads_DoesNotHoldUpTheExit()
    {
        // JSON lines, ~400 bytes each.
        await using var rig = await Rig.StartAsync(["--log-format", "json"], readStderr: false);
        var (daemon, port) = (rig.Daemon, rig.Port);
        await QueryAsync(port, 400); // more than the pipe holds: the writer is stuck in write(2)

        daemon.Terminate();
        // The exit waits a bounded time for stderr (LogBatchWriter.ExitWait), then goes on without it.
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0));
        daemon.StartReadingStderr();
        await daemon.Output.WaitForAsync("\"Category\":\"Websocketfy.Command\"");
    }
}
