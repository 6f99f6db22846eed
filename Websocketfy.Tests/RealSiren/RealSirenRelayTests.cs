using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Websocketfy.Tests.SirenPeer;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// The daemon in front of the real SiREN server (built from the pinned upstream sources, SQLite test
/// database with <c>images</c> and <c>big_images</c>): what the viewer sends, and what comes back.
/// </summary>
[TestFixture]
[Category(SirenBuild.Category)]
public sealed class RealSirenRelayTests
{
    private RealSirenServer _siren = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _siren = await RealSirenServer.StartAsync();
        _gateway = await GatewayHarness.StartInFrontOfAsync(_siren.Port);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_siren is not null) await _siren.DisposeAsync();
    }

    public static IEnumerable<TestCaseData> TranscriptsWithCommands() =>
        Directory.GetFiles(RepositoryPaths.Transcripts, "*.txt")
            .Order(StringComparer.Ordinal)
            .Where(path => TranscriptCommands.Read(Transcript.Load(path)).Count > 0)
            .Select(path => new TestCaseData(Path.GetFileName(path))
                .SetName($"Transcript_{Path.GetFileNameWithoutExtension(path)}_EveryCommandGetsTheRecordedReply"));

    [TestCaseSource(nameof(TranscriptsWithCommands))]
    public async Task ReplayThroughTheDaemon(string fileName)
    {
        var transcript = Transcript.Load(Path.Combine(RepositoryPaths.Transcripts, fileName));
        await using var client = await _gateway.ConnectAsync();
        foreach (var recorded in TranscriptCommands.Read(transcript))
        {
            // Binary, as the viewer sends: the reply carries SiREN's bytes unchanged.
            await client.SendAsync(recorded.Command, WebSocketMessageType.Binary);
            var received = await client.ReceiveAsync();
            string what = $"{transcript.Name}: {Printable(recorded.Command)}";
            if (recorded.IsQuit)
            {
                Assert.That((received.IsClose, received.CloseStatus), Is.EqualTo((true, (WebSocketCloseStatus?)WebSocketCloseStatus.NormalClosure)), what);
                return;
            }
            Assert.That((received.Type, Printable(received.Bytes)), Is.EqualTo((WebSocketMessageType.Binary, Printable(recorded.Reply!))), what);
        }
    }

    [Test]
    public async Task BigImages_ArriveByteForByteAsADirectClientReadsThem()
    {
        byte[] command = "SELECT * FROM big_images"u8.ToArray();
        byte[] direct;
        await using (var siren = await DirectSirenClient.ConnectAsync(_siren.Port)) direct = await siren.QueryAsync(command);
        await using var client = await _gateway.ConnectAsync();

        var binary = await client.RequestAsync("SELECT * FROM big_images", WebSocketMessageType.Binary);
        var text = await client.RequestAsync("SELECT * FROM big_images");

        Assert.That(direct, Has.Length.GreaterThan(70_000), "the test database's big_images reply is about 80 KB");
        Assert.That(binary.Bytes, Is.EqualTo(direct), "binary reply");
        Assert.That(text.Bytes, Is.EqualTo(direct), "text reply (ASCII, so unchanged)");
    }

    [Test]
    public async Task BlankCommands_GetEmptyReplies_WithoutReachingSiren()
    {
        await using var client = await _gateway.ConnectAsync();
        int before = _siren.Commands.Count;

        var replies = new List<string>();
        foreach (string blank in new[] { "\n", ";\n", "   ", "\r\n", "\t ;" })
        {
            replies.Add((await client.RequestAsync(blank)).Text);
        }
        var marker = await client.RequestAsync("SELECT 'after the blanks' AS marker");

        Assert.That(replies, Is.EqualTo(new[] { "", "", "", "", "" }));
        Assert.That(marker.Text, Is.EqualTo("marker\nafter the blanks\n"));
        await _siren.WaitForCommandAsync(c => c.Contains("after the blanks", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(_siren.Commands.Skip(before), Is.EqualTo(new[] { "SELECT 'after the blanks' AS marker" }), "what SiREN read");
    }

    [Test]
    public async Task QuitWithSemicolon_ClosesWith1000_AndNeverReachesSiren()
    {
        int before = _siren.Commands.Count;
        await using (var client = await _gateway.ConnectAsync())
        {
            Assert.That((await client.RequestAsync("SELECT 1 AS one")).Text, Is.EqualTo("one\n1\n"));
            await client.SendTextAsync("quit;");
            var close = await client.ReceiveAsync();
            Assert.That((close.IsClose, close.CloseStatus), Is.EqualTo((true, (WebSocketCloseStatus?)WebSocketCloseStatus.NormalClosure)));
        }
        await using (var other = await _gateway.ConnectAsync())
        {
            Assert.That((await other.RequestAsync("SELECT 'after quit' AS marker")).Text, Is.EqualTo("marker\nafter quit\n"));
        }

        await _siren.WaitForCommandAsync(c => c.Contains("after quit", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(_siren.Commands.Skip(before), Is.EqualTo(new[] { "SELECT 1 AS one", "SELECT 'after quit' AS marker" }), "what SiREN read");
    }

    [Test]
    public async Task DdlAndDml_FromTwoClients_ActOnOneDatabase()
    {
        // Each command may run on another pooled SiREN connection; the data is the server's.
        await using var first = await _gateway.ConnectAsync();
        await using var second = await _gateway.ConnectAsync();

        var replies = new[]
        {
            (await first.RequestAsync("CREATE TABLE relay_notes (id INTEGER, note TEXT)")).Text,
            (await second.RequestAsync("INSERT INTO relay_notes (id, note) VALUES (1, 'first')")).Text,
            (await first.RequestAsync("INSERT INTO relay_notes VALUES (2, 'second')", WebSocketMessageType.Binary)).Text,
            (await second.RequestAsync("UPDATE relay_notes SET note = 'changed' WHERE id = 1")).Text,
            (await first.RequestAsync("SELECT * FROM relay_notes")).Text,
            (await second.RequestAsync("DELETE FROM relay_notes WHERE id = 2")).Text,
            (await first.RequestAsync("SELECT * FROM relay_notes")).Text,
            (await second.RequestAsync("DROP TABLE relay_notes")).Text,
            (await first.RequestAsync("SELECT * FROM relay_notes")).Text,
            (await second.RequestAsync("DROP TABLE relay_notes")).Text,
        };

        Assert.That(replies, Is.EqualTo(new[]
        {
            "", "", "", "",
            "id, note\n1, changed\n2, second\n",
            "",
            "id, note\n1, changed\n",
            "",
            "", // a plain SELECT's SQL error: SiREN sends no body
            "Command failed.\n[3] Table 'relay_notes' does not exists.\n[3] Extra tokens at the end of statement: relay_notes'.\n",
        }));
    }

    [Test]
    public async Task SixteenClientsAtOnce_EachGetsItsOwnRepliesInOrder()
    {
        const int clients = 16;
        var scripts = Enumerable.Range(0, clients).Select(ClientScript).ToArray();

        // What SiREN answers to each command, asked directly (one command at a time).
        var expected = new Dictionary<string, byte[]>();
        await using (var direct = await DirectSirenClient.ConnectAsync(_siren.Port))
        {
            foreach (string command in scripts.SelectMany(s => s).Distinct())
            {
                expected[command] = await direct.QueryAsync(Encoding.UTF8.GetBytes(command));
            }
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = scripts.Select(script => Task.Run(async () =>
        {
            await using var client = await _gateway.ConnectAsync();
            await start.Task;
            // Every command sent before the first reply is read: the daemon queues them.
            foreach (string command in script) await client.SendAsync(Encoding.UTF8.GetBytes(command), WebSocketMessageType.Binary);
            var replies = new List<byte[]>();
            foreach (string _ in script) replies.Add((await client.ReceiveAsync(TimeSpan.FromSeconds(60))).Bytes);
            return replies;
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(runs);

        for (int i = 0; i < clients; i++)
        {
            Assert.That(results[i], Is.EqualTo(scripts[i].Select(c => expected[c]).ToList()), $"client {i}");
        }
    }

    [Test]
    public async Task RoundTripOfAFiveRowSelect_IsPrintedNextToADirectQuickAckClient()
    {
        const int warmUp = 20, samples = 200;
        byte[] query = "SELECT * FROM images"u8.ToArray();

        var direct = new double[samples];
        await using (var siren = await DirectSirenClient.ConnectAsync(_siren.Port))
        {
            for (int i = 0; i < warmUp; i++) await siren.QueryAsync(query);
            for (int i = 0; i < samples; i++)
            {
                long started = Stopwatch.GetTimestamp();
                await siren.QueryAsync(query);
                direct[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        var relayed = new double[samples];
        byte[]? last = null;
        await using (var client = await _gateway.ConnectAsync())
        {
            for (int i = 0; i < warmUp; i++) await client.RequestAsync("SELECT * FROM images");
            for (int i = 0; i < samples; i++)
            {
                long started = Stopwatch.GetTimestamp();
                last = (await client.RequestAsync("SELECT * FROM images")).Bytes;
                relayed[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        double relayedMedian = Median(relayed), directMedian = Median(direct);
        TestContext.Out.WriteLine(
            $"5-row SELECT on the real SiREN, median of {samples} round trips: through websocketfy {relayedMedian:0.000} ms, " +
            $"direct TCP client with TCP_QUICKACK {directMedian:0.000} ms (ratio {relayedMedian / directMedian:0.00}).");
        // Only the answer is checked; time is reported, never asserted.
        Assert.That(Encoding.UTF8.GetString(last!), Does.StartWith("id, label, path\n1, normal, study1/img001.dcm\n"));
    }

    /// <summary>Client <paramref name="i"/>'s commands: its own rows of big_images (sizes vary by client),
    /// a parser error naming it, a tagged constant, and for every other client the whole big_images.</summary>
    private static string[] ClientScript(int i)
    {
        var script = new List<string>
        {
            $"SELECT id, label FROM big_images WHERE id % 16 = {i} AND id <= {100 + 120 * i}",
            $"FOO{i} BAR",
            $"SELECT 'client {i}' AS tag, {i} AS n",
        };
        if (i % 2 == 0) script.Add("SELECT * FROM big_images");
        script.Add($"SELECT path FROM images WHERE id = {i % 5 + 1}");
        script.Add($"SELECT 'client {i} done' AS tag");
        return [.. script];
    }

    private static double Median(double[] samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Printable(byte[] bytes) => RawSirenClient.Printable(Encoding.Latin1.GetString(bytes));
}
