using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.RealSiren;

/// <summary>
/// The real SiREN server killed (SIGKILL) while the daemon waits for a reply, and started again: the
/// clients get the answers PROTOCOL.md gives, and the daemon serves again once SiREN is back.
/// Each test has its own server, since each kills it.
/// </summary>
[TestFixture]
[Category(SirenBuild.Category)]
public sealed class RealSirenCrashTests
{
    private const string ClosedEarlyReply = "Command failed.\nSiREN server closed the connection before the reply was complete.\n";
    private const string ClosedEarlyReason = "SiREN server closed the connection before the reply was complete.";
    private const string UnavailableReply = "Command failed.\nSiREN server is unavailable.\n";
    private const string Images = "SELECT * FROM images";
    private const string ImagesReply =
        "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n" +
        "3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n";

    // SQLite walks 2000^3 rows for this: SiREN's one thread is busy for minutes, with nothing sent yet.
    private const string EndlessQuery = "SELECT count(*) AS n FROM big_images a, big_images b, big_images c WHERE a.label < c.label";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task KilledBeforeAnyReplyByte_GivesTheClosedEarlyReply_ThenUnavailable_ThenServesAfterRestart()
    {
        await using var siren = await RealSirenServer.StartAsync();
        await using var gateway = await GatewayHarness.StartInFrontOfAsync(siren.Port);
        await using var client = await gateway.ConnectAsync();

        await client.SendTextAsync(EndlessQuery);
        await siren.WaitForCommandAsync(c => c == EndlessQuery, Patience);
        await siren.KillAsync();
        var failed = await client.ReceiveAsync(Patience);
        var whileDown = await client.RequestAsync(Images);
        await siren.RestartAsync();
        var afterRestart = await client.RequestAsync(Images);

        Assert.That((failed.Type, failed.Text), Is.EqualTo((WebSocketMessageType.Text, ClosedEarlyReply)), "killed while computing");
        Assert.That(whileDown.Text, Is.EqualTo(UnavailableReply), "while SiREN is down");
        Assert.That(afterRestart.Text, Is.EqualTo(ImagesReply), "after the restart, on the same WebSocket");
    }

    [Test]
    public async Task KilledMidReply_Closes1011WithTheSentence_OthersGetUnavailable_ThenServesAfterRestart()
    {
        await using var siren = await RealSirenServer.StartAsync();
        await using var relay = new PausableRelay(siren.Port);
        await using var gateway = await GatewayHarness.StartInFrontOfAsync(relay.Port);
        await using var client = await gateway.ConnectAsync();
        string query = ReplyLargerThanKernelBuffers(out long replyBytes);

        // The daemon gets the first 64 KiB of the reply and streams them to the client; then the relay
        // stops reading, SiREN fills the kernel's buffers and waits with the rest in its own memory.
        relay.HoldAfter(64 * 1024);
        await client.SendAsync(Encoding.UTF8.GetBytes(query), WebSocketMessageType.Binary);
        var first = new byte[64 * 1024];
        using (var cts = new CancellationTokenSource(Patience))
        {
            var part = await client.Socket.ReceiveAsync(first, cts.Token);
            Assert.That((part.MessageType, part.EndOfMessage), Is.EqualTo((WebSocketMessageType.Binary, false)), "the first fragment of the reply");
            Assert.That(Encoding.ASCII.GetString(first, 0, Math.Min(part.Count, 5)), Is.EqualTo("x, y\n"[..Math.Min(part.Count, 5)]));
        }
        await Wait.ForAsync(() => relay.IsHolding, "the relay holding SiREN's reply", Patience);
        await siren.KillAsync();
        relay.Release();

        var close = await client.ReceiveUntilCloseAsync(Patience);
        await using var other = await gateway.ConnectAsync();
        var whileDown = await other.RequestAsync(Images);
        await siren.RestartAsync();
        var afterRestart = await other.RequestAsync(Images);

        Assert.That((close.CloseStatus, close.CloseReason), Is.EqualTo(((WebSocketCloseStatus?)WebSocketCloseStatus.InternalServerError, ClosedEarlyReason)),
                    $"killed while sending a {replyBytes}-byte reply");
        Assert.That(whileDown.Text, Is.EqualTo(UnavailableReply), "while SiREN is down");
        Assert.That(afterRestart.Text, Is.EqualTo(ImagesReply), "after the restart");
    }

    /// <summary>
    /// A query whose reply is well beyond what the kernel can hold between SiREN and the relay
    /// (SiREN's send buffer grows up to net.ipv4.tcp_wmem's maximum; the relay's receive buffer is
    /// fixed at 64 KiB), so SiREN is still writing when it is killed. Each row reads
    /// "&lt;id&gt;, studyN/imgNNNNN.dcm\n", about 26 bytes, 2000 rows per step of the limit.
    /// </summary>
    private static string ReplyLargerThanKernelBuffers(out long replyBytes)
    {
        long sendBufferMax = 4 * 1024 * 1024;
        string wmem = "/proc/sys/net/ipv4/tcp_wmem";
        if (File.Exists(wmem) && File.ReadAllText(wmem).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [_, _, var max])
        {
            sendBufferMax = long.Parse(max, CultureInfo.InvariantCulture);
        }
        long target = sendBufferMax * 3 / 2 + 1024 * 1024;
        const long bytesPerStep = 2000 * 26;
        long steps = Math.Min(2000, (target + bytesPerStep - 1) / bytesPerStep);
        replyBytes = steps * bytesPerStep;
        return $"SELECT a.id AS x, b.path AS y FROM big_images a, big_images b WHERE b.id <= {steps}";
    }
}
