using System.Net.Sockets;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// Clients that vanish with a TCP reset at any point (inside the upgrade request, inside a frame, between
/// commands, while a file or SQL reply is on its way): seeded, so a failure replays. Counts process
/// descriptors, so it runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TcpResetTests
{
    private const int Seed = 6455;
    private const int Iterations = 240;
    private const int AtOnce = 8;

    private static readonly string[] Commands =
    [
        "SELECT 1",
        "SELECT * FROM big_images",
        "SELECT * FROM images WHERE id = 2",
        "REQUEST small.bin",
        "REQUEST mid.bin",
        "REQUEST big.bin",
        "REQUEST missing.bin",
        "  ;",
        "DROP TABLE nothing_here",
    ];

    [Test]
    public async Task ResetsAtRandomPoints_LeaveNothingBehind_AndTheDaemonKeepsServing()
    {
        // One backend connection: commands queue for it, so resets also land on commands waiting for the pool,
        // and a slot that a reset failed to give back would leave the last command waiting for ever.
        await using var gateway = await GatewayHarness.StartAsync(o => o with { SirenPoolSize = 1 });
        gateway.Files.Write("small.bin", new byte[1000]);
        gateway.Files.Write("warm.bin", new byte[TestFiles.MiB]);
        TestFiles.Patterned(Path.Combine(gateway.Files.Root, "mid.bin"), 300 * 1024, seed: 1);
        TestFiles.Sparse(Path.Combine(gateway.Files.Root, "big.bin"), 200 * TestFiles.MiB);
        await SendTimeoutTests.WarmUpAsync(gateway);
        var baseline = await ResourceBaseline.TakeAsync(gateway);

        var random = new Random(Seed);
        int[] seeds = new int[Iterations];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = random.Next();
        var cuts = new int[Iterations];
        for (int first = 0; first < Iterations; first += AtOnce)
        {
            var batch = new List<Task>();
            for (int i = first; i < Math.Min(first + AtOnce, Iterations); i++)
            {
                int index = i;
                batch.Add(Task.Run(async () => cuts[index] = await ConnectAndResetAsync(gateway.Port, seeds[index])));
            }
            await Task.WhenAll(batch);
        }
        TestContext.Out.WriteLine($"{Iterations} resets, {cuts.Count(c => c < 0)} inside the upgrade request, " +
                                  $"{cuts.Count(c => c > 0)} after some of the reply was read");

        await baseline.AssertRestoredAsync(gateway);
        Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(0));
        using var client = await RawWsClient.ConnectAsync(gateway.Port);
        await client.SendTextAsync("SELECT * FROM images WHERE id = 1");
        Assert.That((await client.ReadSmallMessageAsync(TimeSpan.FromSeconds(30)))?.Text,
                    Is.EqualTo("id, label, path\n1, normal, study1/img001.dcm\n"));
        await client.SendTextAsync("REQUEST mid.bin");
        Assert.That((await client.ReadMessageAsync(TimeSpan.FromSeconds(30)))?.Length, Is.EqualTo(300 * 1024));
    }

    /// <summary>One client: sends a random prefix of an upgrade request and some frames, maybe waits or reads
    /// part of the answer, then resets. Returns -1 when the cut fell inside the upgrade request, the number of
    /// answer bytes read otherwise.</summary>
    private static async Task<int> ConnectAndResetAsync(int port, int seed)
    {
        var random = new Random(seed);
        byte[] upgrade = RawWsClient.UpgradeRequest();
        var script = new List<byte>(upgrade);
        int frames = random.Next(1, 5);
        for (int f = 0; f < frames; f++) script.AddRange(RandomFrames(random));
        // A quarter of the clients vanish inside the upgrade request, the rest somewhere in their frames.
        int cut = random.Next(4) == 0 ? random.Next(upgrade.Length) : upgrade.Length + random.Next(script.Count - upgrade.Length + 1);

        using var client = await RawWsClient.ConnectAsync(port, upgrade: false);
        // The prefix leaves in one to three writes, so the daemon also sees it split at odd places.
        int sent = 0;
        int writes = random.Next(1, 4);
        for (int w = 1; w <= writes && sent < cut; w++)
        {
            int end = w == writes ? cut : sent + random.Next(cut - sent + 1);
            await client.SendRawAsync([.. script.GetRange(sent, end - sent)]);
            sent = end;
            if (random.Next(2) == 0) await Task.Delay(random.Next(1, 5));
        }

        int read = 0;
        switch (random.Next(3))
        {
            case 0:
                break;
            case 1:
                await Task.Delay(random.Next(1, 40));
                break;
            default:
                read = await ReadSomeAsync(client.Socket, random.Next(1, 256 * 1024), TimeSpan.FromMilliseconds(random.Next(5, 200)));
                break;
        }
        client.Reset();
        return cut < upgrade.Length ? -1 : read;
    }

    private static IEnumerable<byte> RandomFrames(Random random)
    {
        byte[] command = Encoding.UTF8.GetBytes(Commands[random.Next(Commands.Length)]);
        return random.Next(6) switch
        {
            // A command split into two fragments with a ping between them.
            0 => [.. RawWsClient.Frame(0x1, command[..(command.Length / 2)], fin: false),
                  .. RawWsClient.Frame(0x9, [1, 2, 3]),
                  .. RawWsClient.Frame(0x0, command[(command.Length / 2)..])],
            1 => RawWsClient.Frame(0x2, command),
            2 => RawWsClient.Frame(0x9, "ping"u8.ToArray()),
            _ => RawWsClient.Frame(0x1, command),
        };
    }

    private static async Task<int> ReadSomeAsync(Socket socket, int most, TimeSpan patience)
    {
        var buffer = new byte[64 * 1024];
        int total = 0;
        using var cts = new CancellationTokenSource(patience);
        try
        {
            while (total < most)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, most - total)), SocketFlags.None, cts.Token);
                if (n == 0) break;
                total += n;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        return total;
    }
}
