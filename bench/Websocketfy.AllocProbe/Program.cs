using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Websocketfy.AllocProbe;
using Websocketfy.Daemon;

// Allocations and thread-pool work items per relayed query and per ping.
//
// The daemon is run from its own entry point (same command line, same logging set-up as the
// binary), in this process under the JIT, against an out-of-process SiREN peer, so that the only
// other allocating code here is the probe's client thread, whose bytes are counted and subtracted.
// Usage: websocketfy-alloc-probe --siren-port P [--quick] [--log-level information]
// Prints "result" lines for bench/run's report.

int sirenPort = 0;
bool quick = false;
string logLevel = "information";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--siren-port": sirenPort = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--quick": quick = true; break;
        case "--log-level": logLevel = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 64;
    }
}
if (sirenPort == 0)
{
    Console.Error.WriteLine("usage: websocketfy-alloc-probe --siren-port P [--quick] [--log-level LEVEL]");
    return 64;
}
int operations = quick ? 500 : 3000;
int sampledOperations = quick ? 2000 : 20000;

// The daemon turns inline socket completions on at its start, before its first socket (Program.cs). Hosted in
// this process under the JIT that came too late (measured: 2 thread-pool work items per query, 1 per ping, as
// with the setting off), so the probe sets it first, as the daemon's own process does; an explicit setting wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
string root = Directory.CreateTempSubdirectory("websocketfy-probe-").FullName;
int port = FreePort();
TextWriter results = Console.Out;
// The daemon logs through the console logger: to a file here, as it would to journald.
var daemonLog = new StreamWriter(Path.Combine(root, "daemon.log")) { AutoFlush = true };
Console.SetOut(daemonLog);
string[] daemonArgs = ["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                       "--siren", $"127.0.0.1:{sirenPort}", "--root", root, "--log-level", logLevel];
var entryPoint = typeof(Gateway).Assembly.EntryPoint ?? throw new InvalidOperationException("the daemon has no entry point");
new Thread(() => entryPoint.Invoke(null, [daemonArgs])) { IsBackground = true, Name = "daemon-main" }.Start();
WaitForListener(port);

using var client = new ProbeClient(port);
byte[] query = ProbeClient.Frame(0x2, "SELECT * FROM images"u8);
byte[] ping = ProbeClient.Frame(0x9, []);
Repeat(query, operations); // warm-up: tier-1 code, pooled SiREN connection, pools filled
Repeat(ping, operations);

results.WriteLine(Measure("sql", query, operations));
results.WriteLine(Measure("ping", ping, operations * 4));

using (var sampler = new AllocationSampler())
{
    sampler.Start();
    Repeat(query, sampledOperations);
    sampler.Stop();
    Thread.Sleep(2000); // the events are dispatched on a thread of their own
    var types = sampler.Snapshot();
    long total = types.Sum(t => t.Bytes);
    foreach (var (type, bytes) in types.Take(12))
        results.WriteLine($"result\tworkload=ALLOCTYPES\ttarget=websocketfy\trepeat=1\tlog_level={logLevel}\ttype={type}\tshare={(double)bytes / total:0.###}\tsampled_bytes={bytes}");
}
results.Flush();
Directory.Delete(root, recursive: true);
return 0;

void Repeat(byte[] request, int count)
{
    for (int i = 0; i < count; i++) client.RoundTrip(request);
}

string Measure(string kind, byte[] request, int count)
{
    GC.Collect();
    long clientBefore = GC.GetAllocatedBytesForCurrentThread();
    long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
    long workItems = ThreadPool.CompletedWorkItemCount;
    long contention = Monitor.LockContentionCount;
    int gen0 = GC.CollectionCount(0);
    var clock = Stopwatch.StartNew();
    Repeat(request, count);
    clock.Stop();
    long total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
    long clientBytes = GC.GetAllocatedBytesForCurrentThread() - clientBefore;
    var line = new StringBuilder($"result\tworkload=ALLOC\ttarget=websocketfy\trepeat=1\tkind={kind}\tlog_level={logLevel}\tops={count}");
    line.Append(CultureInfo.InvariantCulture, $"\tbytes_per_op={(double)(total - clientBytes) / count:0.#}");
    line.Append(CultureInfo.InvariantCulture, $"\tclient_bytes_per_op={(double)clientBytes / count:0.#}");
    line.Append(CultureInfo.InvariantCulture, $"\twork_items_per_op={(double)(ThreadPool.CompletedWorkItemCount - workItems) / count:0.##}");
    line.Append(CultureInfo.InvariantCulture, $"\tlock_contentions={Monitor.LockContentionCount - contention}");
    line.Append(CultureInfo.InvariantCulture, $"\tgen0_collections={GC.CollectionCount(0) - gen0}");
    line.Append(CultureInfo.InvariantCulture, $"\tmean_us_jit={clock.Elapsed.TotalMicroseconds / count:0.#}");
    return line.ToString();
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

static void WaitForListener(int port)
{
    var deadline = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return;
        }
        catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(50);
        }
    }
}
