using System.Net.Sockets;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.SirenPeer;

public sealed class FaultModeTests
{
    private const string Prompt = "Siren::SQL> ";
    private const string ImagesReply = "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n" + Prompt;

    // Long enough for a healthy peer to have answered many times over.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);

    private static SirenPeerServer Started(SirenPeerOptions options)
    {
        var server = new SirenPeerServer(options);
        server.Start();
        return server;
    }

    [Test]
    public async Task NoGreeting_AcceptsButNeverWrites()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.NoGreeting });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.SendAsync("SELECT 1\n");
        await server.WaitForCommandsAsync(1, RawSirenClient.DefaultWait);
        await Task.Delay(Quiet);

        Assert.That(client.ReceivedCount, Is.Zero);
        Assert.That(server.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task NeverAnswer_GreetsAndReadsButNeverReplies()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.NeverAnswer });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT 1\n");
        await server.WaitForCommandsAsync(1, RawSirenClient.DefaultWait);
        await Task.Delay(Quiet);

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt));
        Assert.That(server.CommandsReceived.Single().Text, Is.EqualTo("SELECT 1\n"));
    }

    [Test]
    public async Task SlowBytes_DeliversTheFaithfulReplyInPieces()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.SlowBytes, SlowByteDelay = TimeSpan.FromMilliseconds(5) });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        int greetingChunks = client.ChunkSizes.Count;
        await client.SendAsync("SELECT * FROM images\n");
        await client.WaitForEndingAsync("\n" + Prompt);

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + ImagesReply));
        Assert.That(client.ChunkSizes.Count - greetingChunks, Is.GreaterThan(1));
    }

    [Test]
    public async Task CloseMidReply_SendsTheRequestedPrefixThenCloses()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.CloseMidReply, CloseMidReplyAfterBytes = 10 });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT * FROM images\n");
        await client.WaitForEofAsync();

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + ImagesReply[..10]));
    }

    [Test]
    public async Task CloseMidReply_ByDefaultSendsHalfTheReply()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.CloseMidReply });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT * FROM images\n");
        await client.WaitForEofAsync();

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + ImagesReply[..(ImagesReply.Length / 2)]));
    }

    [Test]
    public async Task CloseMidReply_CutsEvenAReplyThatIsOnlyThePrompt()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.CloseMidReply, CloseMidReplyAfterBytes = 1000 });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("DELETE FROM images WHERE id = 1\n");
        await client.WaitForEofAsync();

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + Prompt[..^1]));
    }

    [Test]
    public async Task HoldMidReply_SendsTheRequestedPrefix_AndTheRestOnlyOnceReleased()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.HoldMidReply, HoldMidReplyAfterBytes = 10 });
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT * FROM images\n");
        await client.WaitForBytesAsync(Prompt.Length + 10);
        await Task.Delay(Quiet);
        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + ImagesReply[..10]), "nothing more before the release");

        server.ReleaseHeldReply();
        await client.WaitForEndingAsync("\n" + Prompt);

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + ImagesReply));
    }

    [Test]
    public async Task RefuseConnections_RefusesOnTheAnnouncedPort()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions { Fault = SirenFault.RefuseConnections });

        var refused = Assert.ThrowsAsync<SocketException>(async () => await RawSirenClient.ConnectAsync(server.EndPoint));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
        Assert.That(server.Port, Is.Not.Zero);
    }

    [Test]
    public async Task RefuseConnectionsSetWhileRunning_RefusesTheNextConnection()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions());
        await using (RawSirenClient first = await RawSirenClient.ConnectAsync(server.EndPoint))
        {
            await first.WaitForBytesAsync(Prompt.Length);
        }

        server.Fault = SirenFault.RefuseConnections;
        await server.InjectUnsolicitedAsync([]); // a round trip through the serving thread

        var refused = Assert.ThrowsAsync<SocketException>(async () => await RawSirenClient.ConnectAsync(server.EndPoint));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public async Task FaultSetWhileRunning_AppliesToTheNextCommand()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions());
        await using RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint);
        await client.WaitForBytesAsync(Prompt.Length);
        await client.SendAsync("SELECT 1\n");
        await client.WaitForEndingAsync("\n" + Prompt);

        server.Fault = SirenFault.NeverAnswer;
        await client.SendAsync("SELECT 2\n");
        await server.WaitForCommandsAsync(2, RawSirenClient.DefaultWait);
        await Task.Delay(Quiet);

        Assert.That(client.ReceivedText, Is.EqualTo(Prompt + "1\n1\n" + Prompt));
    }

    [Test]
    public async Task InjectUnsolicited_WritesToEveryIdleConnectionAndServingGoesOn()
    {
        await using SirenPeerServer server = Started(new SirenPeerOptions());
        await using RawSirenClient a = await RawSirenClient.ConnectAsync(server.EndPoint);
        await using RawSirenClient b = await RawSirenClient.ConnectAsync(server.EndPoint);
        await a.WaitForBytesAsync(Prompt.Length);
        await b.WaitForBytesAsync(Prompt.Length);

        await server.InjectUnsolicitedAsync("1\n"u8.ToArray());
        await a.WaitForBytesAsync(Prompt.Length + 2);
        await b.WaitForBytesAsync(Prompt.Length + 2);
        await a.SendAsync("SELECT 2\n");
        await a.WaitForEndingAsync("2\n" + Prompt);

        Assert.That(a.ReceivedText, Is.EqualTo(Prompt + "1\n" + "2\n2\n" + Prompt));
        Assert.That(b.ReceivedText, Is.EqualTo(Prompt + "1\n"));
    }
}
