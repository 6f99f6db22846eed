using System.Net.Sockets;
using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.Tests.SirenPeer;

public sealed class SirenPeerServerTests
{
    private const string Prompt = "Siren::SQL> ";

    // Long enough for the single serving thread to have answered, were it free to.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Test]
    public async Task PortZero_PicksAFreePort()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        Assert.That(server.Port, Is.Not.Zero);
    }

    [Test]
    public async Task NewConnection_GetsThePromptAndNothingElse()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await Task.Delay(50);
        Assert.That(client.ReceivedText, Is.EqualTo(Prompt));
    }

    [Test]
    public async Task Counters_FollowConnectionsAndCommands()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        await using (RawSirenClient first = await RawSirenClient.ConnectAsync(server.EndPoint))
        {
            await using RawSirenClient second = await RawSirenClient.ConnectAsync(server.EndPoint);
            await server.WaitForActiveConnectionsAsync(2, RawSirenClient.DefaultWait);
            await second.WaitForBytesAsync(Prompt.Length);
            await second.SendAsync("SELECT 1\n");
            await server.WaitForCommandsAsync(1, RawSirenClient.DefaultWait);
        }

        await server.WaitForActiveConnectionsAsync(0, RawSirenClient.DefaultWait);
        Assert.Multiple(() =>
        {
            Assert.That(server.ConnectionCount, Is.EqualTo(2));
            Assert.That(server.CommandCount, Is.EqualTo(1));
            Assert.That(server.CommandsReceived[0].ConnectionId, Is.EqualTo(2));
            Assert.That(server.CommandsReceived[0].Text, Is.EqualTo("SELECT 1\n"));
        });
    }

    [Test]
    public async Task TwoClients_EachGetTheirOwnReply()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        await using RawSirenClient a = await RawSirenClient.ConnectAsync(server.EndPoint);
        await using RawSirenClient b = await RawSirenClient.ConnectAsync(server.EndPoint);
        await a.WaitForBytesAsync(Prompt.Length);
        await b.WaitForBytesAsync(Prompt.Length);

        await Task.WhenAll(a.SendAsync("SELECT 'a' AS who\n"), b.SendAsync("SELECT 'b' AS who\n"));
        await a.WaitForEndingAsync("\n" + Prompt);
        await b.WaitForEndingAsync("\n" + Prompt);

        Assert.That(a.ReceivedText, Is.EqualTo(Prompt + "who\na\n" + Prompt));
        Assert.That(b.ReceivedText, Is.EqualTo(Prompt + "who\nb\n" + Prompt));
    }

    [Test]
    public async Task ClientThatStopsReadingAHugeReply_StallsEveryOtherClient()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        await using RawSirenClient slow = await RawSirenClient.ConnectAsync(server.EndPoint, receiveBufferSize: 4096, startReading: false);
        await slow.SendAsync("SELECT * FROM huge_images\n");
        await server.WaitForCommandsAsync(1, RawSirenClient.DefaultWait);

        await using RawSirenClient other = await RawSirenClient.ConnectAsync(server.EndPoint);
        await Task.Delay(Quiet);
        Assert.That(other.ReceivedCount, Is.Zero, "greeted while the serving thread should be stuck in a write");

        slow.StartReading();
        await slow.WaitForEndingAsync("\n" + Prompt, TimeSpan.FromSeconds(30));
        await other.WaitForBytesAsync(Prompt.Length);
        Assert.That(other.ReceivedText, Is.EqualTo(Prompt));

        string reply = slow.ReceivedText;
        Assert.That(reply, Does.StartWith(Prompt + "id, label, path\n1, normal, study1/img001.dcm\n"));
        Assert.That(reply, Does.EndWith("\n100000, nodule, study3/img001.dcm\n" + Prompt));
        Assert.That(reply.Count(c => c == '\n'), Is.EqualTo(SeedData.HugeImagesRows + 1));
    }

    [Test]
    public async Task Stop_EndsEvenWhileTheServerIsStuckWritingToAClientThatDoesNotRead()
    {
        var server = new SirenPeerServer();
        server.Start();
        await using RawSirenClient slow = await RawSirenClient.ConnectAsync(server.EndPoint, receiveBufferSize: 4096, startReading: false);
        await slow.SendAsync("SELECT * FROM huge_images\n");
        await server.WaitForCommandsAsync(1, RawSirenClient.DefaultWait);
        await Task.Delay(Quiet);

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(server.IsRunning, Is.False);
        Assert.That(server.ActiveConnections, Is.Zero);
    }

    [Test]
    public async Task Restart_DropsOpenConnectionsComesBackOnTheSamePortAndKeepsTheData()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        int port = server.Port;
        await using RawSirenClient before = await RawSirenClient.ConnectAsync(server.EndPoint);
        await before.WaitForBytesAsync(Prompt.Length);
        await before.SendAsync("INSERT INTO images (id, label, path) VALUES (6, 'kept', 'x')\n");
        await before.WaitForBytesAsync(2 * Prompt.Length);

        await server.RestartAsync();

        await before.WaitForEofAsync();
        Assert.That(server.Port, Is.EqualTo(port));
        await using RawSirenClient after = await RawSirenClient.ConnectAsync(server.EndPoint);
        await after.WaitForBytesAsync(Prompt.Length);
        await after.SendAsync("SELECT label FROM images WHERE id = 6\n");
        await after.WaitForEndingAsync("\n" + Prompt);
        Assert.That(after.ReceivedText, Is.EqualTo(Prompt + "label\nkept\n" + Prompt));
    }

    [Test]
    public async Task StartAfterDispose_IsRefused()
    {
        var server = new SirenPeerServer();
        server.Start();
        await server.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(server.Start);
    }

    [Test]
    public async Task SecondStart_IsRefusedWhileRunning()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        Assert.Throws<InvalidOperationException>(server.Start);
    }

    [Test]
    public async Task StopListening_RefusesNewConnectionsButServesOpenOnes()
    {
        await using var server = new SirenPeerServer();
        server.Start();
        await using RawSirenClient open = await RawSirenClient.ConnectAsync(server.EndPoint);
        await open.WaitForBytesAsync(Prompt.Length);

        await server.StopListeningAsync();

        var refused = Assert.ThrowsAsync<SocketException>(async () => await RawSirenClient.ConnectAsync(server.EndPoint));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
        await open.SendAsync("SELECT 1\n");
        await open.WaitForEndingAsync("\n" + Prompt);
        Assert.That(open.ReceivedText, Is.EqualTo(Prompt + "1\n1\n" + Prompt));
    }

    [Test]
    public async Task DatabaseFile_KeepsDataAcrossServers()
    {
        string path = Path.Combine(Path.GetTempPath(), $"siren-peer-test-{Guid.NewGuid():N}.db");
        try
        {
            await using (var first = new SirenPeerServer(new SirenPeerOptions { DatabasePath = path }))
            {
                first.Start();
                await using RawSirenClient client = await RawSirenClient.ConnectAsync(first.EndPoint);
                await client.WaitForBytesAsync(Prompt.Length);
                await client.SendAsync("DELETE FROM images WHERE id > 1\n");
                await client.WaitForBytesAsync(2 * Prompt.Length);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var second = new SirenPeerServer(new SirenPeerOptions { DatabasePath = path });
            second.Start();
            await using RawSirenClient again = await RawSirenClient.ConnectAsync(second.EndPoint);
            await again.WaitForBytesAsync(Prompt.Length);
            await again.SendAsync("SELECT count(*) AS n FROM images\n");
            await again.WaitForEndingAsync("\n" + Prompt);
            Assert.That(again.ReceivedText, Is.EqualTo(Prompt + "n\n1\n" + Prompt));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Test]
    public async Task WithoutSeed_TheDatabaseIsEmpty()
    {
        await using var server = new SirenPeerServer(new SirenPeerOptions { Seed = false });
        server.Start();
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT count(*) AS n FROM sqlite_master\n");
        await client.WaitForEndingAsync("\n" + Prompt);
        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + "n\n0\n" + Prompt));
    }

    [Test]
    public async Task Log_GetsALinePerConnectionAndPerCommandWithControlCharactersEscaped()
    {
        var lines = new List<string>();
        await using var server = new SirenPeerServer(new SirenPeerOptions { Log = line => { lock (lines) { lines.Add(line); } } });
        server.Start();
        await using (RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint))
        {
            await client.WaitForBytesAsync(Prompt.Length);
            await client.SendAsync(Encoding.UTF8.GetBytes("SELECT 1\nFAKE LOG LINE\n"));
            await client.WaitForEndingAsync(Prompt + Prompt);
        }

        await server.WaitForActiveConnectionsAsync(0, RawSirenClient.DefaultWait);
        lock (lines)
        {
            Assert.That(lines, Has.Count.EqualTo(3));
            Assert.That(lines[0], Does.StartWith("connection 1 from 127.0.0.1:"));
            Assert.That(lines[1], Is.EqualTo("connection 1 command SELECT 1\\nFAKE LOG LINE\\n"));
            Assert.That(lines[2], Is.EqualTo("connection 1 closed: closed by client"));
        }
    }
}
