using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon;
using Websocketfy.Daemon.Configuration;
using Websocketfy.SirenDemo;

// Round-trip latency of a 5-row SELECT, all measured in this one run against the same SiREN peer:
//   direct (naive)      a plain TCP client: meets SiREN's two-write reply and the delayed ACK
//   direct (quickack)   the same client re-arming TCP_QUICKACK before each read
//   through websocketfy ClientWebSocket -> daemon -> pooled SiREN connection
// Usage: dotnet run -c Release --project bench/Websocketfy.RelayBench [-- iterations]

int iterations = args.Length > 0 ? int.Parse(args[0]) : 2000;

await using var siren = new SirenPeerServer(new SirenPeerOptions());
siren.Start();
string root = Path.Combine(Path.GetTempPath(), "websocketfy-bench-root");
Directory.CreateDirectory(root);
await using var gateway = new Gateway(new GatewayOptions
{
    Bind = IPAddress.Loopback, Port = 0, SirenPort = siren.Port, Root = root,
}, NullLoggerFactory.Instance);
gateway.Start();

var naive = await DirectAsync(siren.Port, quickAck: false, Math.Min(iterations, 100));
var quick = await DirectAsync(siren.Port, quickAck: true, iterations);
var relayed = await ThroughGatewayAsync(gateway.Port, iterations);

Console.WriteLine($"5-row SELECT round trip on loopback, median of N (ms)");
Console.WriteLine($"{"path",-24}{"N",8}{"median",10}{"p90",10}{"p99",10}");
Print("direct (naive)", naive);
Print("direct (quickack)", quick);
Print("through websocketfy", relayed);
Console.WriteLine();
Console.WriteLine($"ratio websocketfy / direct (quickack): {Median(relayed) / Median(quick):0.00}");
Console.WriteLine($"ratio websocketfy / direct (naive):    {Median(relayed) / Median(naive):0.000}");
Console.WriteLine($"target: websocketfy median < 1 ms -> {(Median(relayed) < 1.0 ? "met" : "NOT met")}");
return 0;

static void Print(string name, double[] samples) =>
    Console.WriteLine($"{name,-24}{samples.Length,8}{Median(samples),10:0.000}{Percentile(samples, 0.90),10:0.000}{Percentile(samples, 0.99),10:0.000}");

static double Median(double[] samples) => Percentile(samples, 0.5);

static double Percentile(double[] samples, double p)
{
    var sorted = samples.Order().ToArray();
    return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
}

static async Task<double[]> DirectAsync(int port, bool quickAck, int n)
{
    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(IPAddress.Loopback, port);
    var buffer = new byte[65536];
    await ReadPromptAsync(socket, buffer, quickAck);
    byte[] query = "SELECT * FROM images"u8.ToArray();
    var samples = new double[n];
    for (int i = 0; i < n; i++)
    {
        long start = Stopwatch.GetTimestamp();
        await socket.SendAsync(query, SocketFlags.None);
        await ReadPromptAsync(socket, buffer, quickAck);
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    return samples;
}

static async Task ReadPromptAsync(Socket socket, byte[] buffer, bool quickAck)
{
    int filled = 0;
    while (true)
    {
        if (quickAck) socket.SetRawSocketOption(6, 12, [1, 0, 0, 0]);
        int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
        if (n == 0) throw new IOException("peer closed");
        filled += n;
        if (buffer.AsSpan(0, filled).EndsWith("Siren::SQL> "u8)) return;
    }
}

static async Task<double[]> ThroughGatewayAsync(int port, int n)
{
    using var client = new ClientWebSocket();
    await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None);
    byte[] query = "SELECT * FROM images"u8.ToArray();
    var buffer = new byte[65536];
    for (int i = 0; i < 50; i++) await RoundTripAsync(); // warm-up: JIT, pool connection
    var samples = new double[n];
    for (int i = 0; i < n; i++)
    {
        long start = Stopwatch.GetTimestamp();
        await RoundTripAsync();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
    return samples;

    async Task RoundTripAsync()
    {
        await client.SendAsync(query, WebSocketMessageType.Text, true, CancellationToken.None);
        WebSocketReceiveResult result;
        do result = await client.ReceiveAsync(buffer, CancellationToken.None);
        while (!result.EndOfMessage);
    }
}
