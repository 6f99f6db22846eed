using System.Net;
using System.Net.Sockets;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Hardening;

/// <summary>
/// Thousands of idle connections: every one upgraded and served, then held cheaply. Memory is measured in
/// this process, which holds both ends of every connection; a bare socket pair is measured the same way so
/// the daemon's own share per idle connection can be told apart. Measures process memory, so it runs alone.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class IdleConnectionScaleTests
{
    private const int Connections = 5000;
    private const int AtOnce = 200;

    [Test]
    public async Task FiveThousandIdleConnections_AreAllServed_AndEachCostsTheDaemonLittle()
    {
        await using var gateway = await GatewayHarness.StartAsync(o => o with
        {
            MaxConnections = Connections + 100,
            MaxConnectionsPerIp = Connections + 100,
        });
        gateway.Files.Write("small.bin", Encoding.ASCII.GetBytes("a small file"));
        // Thread pool, socket engine, JIT and buffer pools reach their working size for this many connections first,
        // so what stays after the measured round is what the connections themselves left behind.
        await CloseAllAsync(await OpenServedAsync(gateway.Port, Connections), gateway);

        var pair = await MeasureBareSocketPairsAsync();

        // What a connection costs is what its close gives back: measuring open against closed leaves out
        // what grows once and stays (thread-pool threads and their pooled buffers on a busy machine).
        long heapBefore = DaemonProcess.ManagedHeapAfterCollection();
        long workingSetBefore = DaemonProcess.InProcess.WorkingSet();
        var sockets = await OpenServedAsync(gateway.Port, Connections);
        Assert.That(gateway.Gateway.Metrics.ActiveConnections, Is.EqualTo(Connections));
        Assert.That(gateway.Gateway.SessionCount, Is.EqualTo(Connections));
        long heapOpen = DaemonProcess.ManagedHeapAfterCollection();
        // The process keeps pages it has touched, so the working set is read as growth while they are open.
        long workingSet = (DaemonProcess.InProcess.WorkingSet() - workingSetBefore) / Connections;
        await CloseAllAsync(sockets, gateway);
        Array.Clear(sockets);
        long heapClosed = DaemonProcess.ManagedHeapAfterCollection();
        long heap = (heapOpen - heapClosed) / Connections;
        long leftBehind = (heapClosed - heapBefore) / Connections;

        TestContext.Out.WriteLine($"{Connections} idle connections, both ends in this process: " +
                                  $"{heap} bytes managed heap each (given back on close), working set {workingSet} bytes each; " +
                                  $"{leftBehind} bytes each still held after the close");
        TestContext.Out.WriteLine($"a bare socket pair (client socket, accepted socket with a pending read): " +
                                  $"{pair.Heap} bytes managed heap and {pair.WorkingSet} bytes working set");
        TestContext.Out.WriteLine($"so the daemon's own share per idle connection: about {heap - pair.Heap} bytes managed heap, " +
                                  $"{workingSet - pair.WorkingSet} bytes working set");
        // An idle session holds no receive buffer (16 KiB) and no reply buffer: what it keeps is small objects.
        Assert.That(heap - pair.Heap, Is.LessThan(8 * 1024), "managed bytes the daemon keeps per idle connection");
        // A closed connection gives back what it held: a session kept alive after its close (about 4 KiB of
        // objects) would show here as thousands of bytes per connection.
        Assert.That(leftBehind, Is.LessThan(512), "managed bytes per connection still held after every connection closed");
    }

    /// <summary>Opens <paramref name="count"/> connections, each upgraded with one command in the same write and
    /// answered (half a file request, half an SQL command); returns their sockets, left idle.</summary>
    private static async Task<Socket[]> OpenServedAsync(int port, int count)
    {
        var sockets = new Socket[count];
        for (int first = 0; first < count; first += AtOnce)
        {
            var batch = new List<Task>();
            for (int i = first; i < Math.Min(first + AtOnce, count); i++)
            {
                int index = i;
                batch.Add(Task.Run(async () => sockets[index] = await OpenOneAsync(port, index)));
            }
            await Task.WhenAll(batch);
        }
        return sockets;
    }

    private static async Task<Socket> OpenOneAsync(int port, int index)
    {
        bool file = index % 2 == 0;
        string command = file ? "REQUEST small.bin" : $"SELECT {index}";
        var client = await RawWsClient.ConnectAsync(port, bufferSize: 512, firstFrames: RawWsClient.Frame(0x1, Encoding.UTF8.GetBytes(command)));
        var reply = await client.ReadSmallMessageAsync(TimeSpan.FromSeconds(60));
        Assert.That(reply?.Text, Is.EqualTo(file ? "a small file" : $"{index}\n{index}\n"), $"connection {index} was served");
        return client.Socket;
    }

    private static async Task CloseAllAsync(Socket[] sockets, GatewayHarness gateway)
    {
        foreach (var socket in sockets) socket.Dispose();
        Assert.That(await Wait.UntilAsync(
                        () => gateway.Gateway.SessionCount == 0 && gateway.Gateway.Metrics.ActiveConnections == 0, TimeSpan.FromSeconds(30)),
                    Is.True, "every connection is torn down");
    }

    /// <summary>The same number of plain connected socket pairs, each accepted end waiting in a zero-byte read
    /// as an idle session does: what any server would pay, for comparison.</summary>
    private static async Task<(long Heap, long WorkingSet)> MeasureBareSocketPairsAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var clients = new Socket[Connections];
        var accepted = new Socket[Connections];
        var pendingReads = new Task[Connections];

        long workingSetBefore = DaemonProcess.InProcess.WorkingSet();
        for (int first = 0; first < Connections; first += AtOnce)
        {
            int end = Math.Min(first + AtOnce, Connections);
            var connects = new List<Task>();
            for (int i = first; i < end; i++)
            {
                clients[i] = new Socket(SocketType.Stream, ProtocolType.Tcp);
                connects.Add(clients[i].ConnectAsync(IPAddress.Loopback, port));
            }
            for (int i = first; i < end; i++)
            {
                accepted[i] = await listener.AcceptAsync();
                pendingReads[i] = accepted[i].ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).AsTask();
            }
            await Task.WhenAll(connects);
        }
        long heapOpen = DaemonProcess.ManagedHeapAfterCollection();
        long workingSet = (DaemonProcess.InProcess.WorkingSet() - workingSetBefore) / Connections;

        foreach (var socket in clients) socket.Dispose();
        foreach (var socket in accepted) socket.Dispose();
        try { await Task.WhenAll(pendingReads); } catch (SocketException) { } catch (ObjectDisposedException) { }
        Array.Clear(clients);
        Array.Clear(accepted);
        Array.Clear(pendingReads);
        return ((heapOpen - DaemonProcess.ManagedHeapAfterCollection()) / Connections, workingSet);
    }
}
