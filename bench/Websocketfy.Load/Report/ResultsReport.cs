using System.Globalization;
using System.Text;
using static Websocketfy.Load.Report.Measurements;

namespace Websocketfy.Load.Report;

/// <summary>
/// Turns the "result" lines of one bench/run into RESULTS.md: the targets of issue 8 with same-run
/// ratios (paired within each repeat, then the median over repeats), every figure measured, the
/// allocation probe, and where and how it was measured.
/// </summary>
internal static class ResultsReport
{
    public static int Run(Options options)
    {
        string results = options.Text("results");
        var data = Measurements.Load(results);
        // Where and how the run was made: "meta<TAB>key=value" lines in the results file (bench/run writes them).
        var meta = File.ReadLines(results).Where(l => l.StartsWith("meta\t", StringComparison.Ordinal))
                       .Select(l => l[5..].Split('=', 2)).Where(p => p.Length == 2)
                       .ToDictionary(p => p[0], p => p[1]);
        string outPath = options.Text("out");
        options.CheckAllRead();

        var text = new StringBuilder();
        Header(text, meta);
        string summary = Summary(data);
        text.Append(summary);
        Details(text, data);
        Allocations(text, data);
        Notes(text, data, meta);
        V2Section.Append(text, data, meta);
        File.WriteAllText(outPath, text.ToString());
        Console.WriteLine(summary);
        return 0;
    }

    private static void Header(StringBuilder text, Dictionary<string, string> meta)
    {
        bool quick = meta.GetValueOrDefault("mode") == "quick";
        text.AppendLine(quick ? "# Benchmark results (quick smoke run: short workloads, figures are rough)" : "# Benchmark results");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Written by `{meta.GetValueOrDefault("command")}` on {meta.GetValueOrDefault("date")} " +
                        $"({meta.GetValueOrDefault("repeats")} repeat(s); build {meta.GetValueOrDefault("build_seconds")} s, " +
                        $"measurements {meta.GetValueOrDefault("measure_seconds")} s, {meta.GetValueOrDefault("total_seconds")} s in all).");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        foreach (var (key, label) in new[]
                 {
                     ("machine", "machine"), ("os", "system"), ("load_before", "load average (1, 5, 15 min) at the start"),
                     ("load_after", "load average at the end"), ("priority", "scheduling"),
                     ("websocketfy", "websocketfy"), ("dotnet", ".NET SDK"), ("websockify", "websockify"), ("nginx", "nginx"),
                     ("openssl", "OpenSSL"), ("siren", "real SiREN (R1)"),
                 })
            text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {meta.GetValueOrDefault(key, "?")} |");
        text.AppendLine();
        text.AppendLine("Every figure is the median over the repeats, with the min–max in brackets; each repeat of each");
        text.AppendLine("workload started fresh processes. Ratios are paired within a repeat (same minute, same machine");
        text.AppendLine("load) and then the median is taken. The machine is shared with other work (builds and test");
        text.AppendLine("runs of other sessions), so absolute figures wobble between runs; the same-run ratios are what to read.");
        text.AppendLine();
    }

    private static string Summary(Measurements data)
    {
        var table = new StringBuilder();
        table.AppendLine("## Against the targets of issue 8");
        table.AppendLine();
        table.AppendLine("| id | workload | websocketfy | baseline (same run) | ratio | target | met |");
        table.AppendLine("|---|---|---|---|---|---|---|");
        var median = Field("median_us");
        var p99 = Field("p99_us");
        var qps = Field("ops_per_s");
        var mibs = Field("mib_per_s");

        Compare(table, data, "W1", $"1 connection, {Shape(data, "W1")} sequential 5-row SELECTs (SiREN-protocol peer): median round trip", "W1", median, "µs",
                "raw TCP to the peer", "raw", lowerIsBetter: true, limit: 1.5);
        Compare(table, data, "W1", "the same: p99", "W1", p99, "µs", "raw TCP to the peer", "raw", lowerIsBetter: true, limit: null);
        Compare(table, data, "W2", $"{Shape(data, "W2")} SELECTs: queries/s", "W2", qps, "/s", "raw TCP, same connections", "raw",
                lowerIsBetter: false, limit: 0.7);
        Compare(table, data, "W2", "the same against websockify", "W2", qps, "/s", "websockify", "websockify", lowerIsBetter: false, limit: 2.0);
        Compare(table, data, "W2s", "the same with a one-write peer (websockify not held up by delayed ACKs)", "W2s", qps, "/s",
                "websockify", "websockify", lowerIsBetter: false, limit: 2.0);
        Compare(table, data, "W3", $"{Shape(data, "W3")} over one connection: MiB/s", "W3", mibs, "MiB/s", "nginx (sendfile, 1 worker)", "nginx",
                lowerIsBetter: false, limit: 1.0);
        PeakRss(table, data);
        Compare(table, data, "W3", "the same over TLS: MiB/s", "W3tls", mibs, "MiB/s", "nginx with TLS", "nginx", lowerIsBetter: false, limit: 0.7);
        Compare(table, data, "W4", $"{Shape(data, "W4")}: files/s", "W4", qps, "/s", "nginx", "nginx",
                lowerIsBetter: false, limit: 0.9);
        IdleConnections(table, data);
        Compare(table, data, "W6", $"{Shape(data, "W6")} sequential pings on one connection: median RTT", "W6", median, "µs", "1-byte TCP round trip", "tcp",
                lowerIsBetter: true, limit: 1.3);
        Compare(table, data, "R1", "real SiREN, 5-row SELECT: median round trip", "R1", median, "µs",
                "direct client with TCP_QUICKACK", "direct", lowerIsBetter: true, limit: 1.5);
        CpuPerOperation(table, data, "W1", "daemon CPU per relayed query (W1)", 40);
        CpuPerOperation(table, data, "W6", "daemon CPU per ping (W6)", 15);
        table.AppendLine();
        return table.ToString();
    }

    /// <summary>How big the workload was in this run (quick runs are smaller), from the daemon's line.</summary>
    private static string Shape(Measurements data, string workload)
    {
        var line = data.Lines(workload, "websocketfy").FirstOrDefault(l => l.ContainsKey("ops"));
        if (line is null) return "";
        long ops = (long)Field("ops")(line);
        long connections = (long)Field("connections")(line);
        return workload switch
        {
            "W2" => $"{connections} connections × {ops / Math.Max(1, connections)}",
            "W3" => $"a {Number(Field("payload_bytes")(line) / ops / 1048576)} MiB file {ops}×",
            "W4" => $"{ops} files of {Number(Field("payload_bytes")(line) / ops / 1024)} KiB over {connections} connections",
            _ => Number(ops),
        };
    }

    private static void Compare(StringBuilder table, Measurements data, string id, string what, string workload,
                                Func<Dictionary<string, string>, double> metric, string unit, string baselineName, string baseline,
                                bool lowerIsBetter, double? limit)
    {
        string daemon = Cell(data, workload, "websocketfy", metric, unit);
        string reference = $"{baselineName}: {Cell(data, workload, baseline, metric, unit)}";
        var ratio = data.Ratio(workload, "websocketfy", metric, workload, baseline, metric);
        string target = limit is null ? "—" : $"{(lowerIsBetter ? "≤" : "≥")} {Number(limit.Value)}×";
        string met = limit is null || ratio is null ? "—"
                   : (lowerIsBetter ? ratio.Value.Median <= limit : ratio.Value.Median >= limit) ? "yes" : "**no**";
        table.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {what} | {daemon} | {reference} | {RatioCell(ratio)} | {target} | {met} |");
    }

    private static void PeakRss(StringBuilder table, Measurements data)
    {
        var hwm = Field("hwm_server_kib");
        Func<Dictionary<string, string>, double> mib = line => hwm(line) / 1024;
        var peak = data.Figure("W3", "websocketfy", mib);
        string met = peak is null ? "—" : peak.Value.Max <= 32 ? "yes" : "**no**";
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| W3 | the same: peak RSS of the server | {Cell(data, "W3", "websocketfy", mib, "MiB")} | nginx worker: {Cell(data, "W3", "nginx", mib, "MiB")} | — | ≤ 32 MiB | {met} |");
    }

    private static void IdleConnections(StringBuilder table, Measurements data)
    {
        Func<Dictionary<string, string>, double> perConnection = line =>
            (Field("pss_end_server_kib")(line) - Field("pss_begin_server_kib")(line)) / Field("connections")(line);
        var lines = data.Lines("W5", "websocketfy").Where(l => l.ContainsKey("open_after_hold")).ToList();
        string open = lines.Count == 0 ? data.Problem("W5", "websocketfy") ?? "—"
                    : lines.All(l => l["open_after_hold"] == l["connections"]) ? $"all {Number(double.Parse(lines[0]["connections"], CultureInfo.InvariantCulture))} open" : "**some closed**";
        var kib = data.Figure("W5", "websocketfy", perConnection);
        string met = kib is null || lines.Count == 0 ? "—"
                   : kib.Value.Median <= 4 && lines.All(l => l["open_after_hold"] == l["connections"]) ? "yes" : "**no**";
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| W5 | idle WebSocket connections held {data.Lines("W5", "websocketfy").Select(l => l.GetValueOrDefault("hold_s")).FirstOrDefault(h => h is not null) ?? "?"} s: memory (PSS) per connection | {open}, {Cell(data, "W5", "websocketfy", perConnection, "KiB")} | nginx, idle TCP: {Cell(data, "W5", "nginx", perConnection, "KiB")} | — | all open, ≤ 4 KiB | {met} |");
    }

    private static void CpuPerOperation(StringBuilder table, Measurements data, string workload, string what, double limit)
    {
        var cpu = CpuPerOp("server");
        var figure = data.Figure(workload, "websocketfy", cpu);
        string met = figure is null ? "—" : figure.Value.Median <= limit ? "yes" : "**no**";
        string baseline = workload == "W1"
            ? $"websockify, one-write peer (W1s): {Cell(data, "W1s", "websockify", cpu, "µs")}"
            : $"websockify: {Cell(data, workload, "websockify", cpu, "µs")}";
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| C1 | {what} | {Cell(data, workload, "websocketfy", cpu, "µs")} | {baseline} | — | ≤ {Number(limit)} µs | {met} |");
    }

    private static readonly (string Workload, string Title)[] Workloads =
    [
        ("W1", "W1: one connection, sequential 5-row SELECTs, samples/SirenDemo as the peer"),
        ("W1t", "W1t: as W1 with text messages (the daemon repairs UTF-8 in text replies)"),
        ("W1s", "W1s: as W1 against the one-write SiREN stub (the relays' own cost)"),
        ("W2", "W2: 64 connections × 300 SELECTs, samples/SirenDemo as the peer (and the load generator's ceiling: 1-byte echo)"),
        ("W2s", "W2s: as W2 against the one-write SiREN stub"),
        ("W3", "W3: a 256 MiB file 5× over one connection"),
        ("W3tls", "W3tls: the same over TLS"),
        ("W4", "W4: 2000 files of 64 KiB over 16 connections"),
        ("W5", "W5: idle connections held open"),
        ("W6", "W6: sequential pings on one connection"),
        ("R1", "R1: the real SiREN, one connection, sequential 5-row SELECTs"),
    ];

    private static void Details(StringBuilder text, Measurements data)
    {
        text.AppendLine("## Every measurement");
        text.AppendLine();
        text.AppendLine("CPU is user + system time of each process (and its children) from /proc/PID/stat over the measured");
        text.AppendLine("window only (set-up and warm-up excluded), per operation; the kernel's loopback TCP work is charged");
        text.AppendLine("to whichever process sends. Memory is PSS summed over the process tree; peak is VmHWM of its largest process.");
        text.AppendLine();
        foreach (var (workload, title) in Workloads)
        {
            var targets = data.Lines(workload).Select(l => l["target"]).Distinct().ToList();
            if (targets.Count == 0) continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
            text.AppendLine();
            if (workload == "W5")
            {
                IdleDetails(text, data, targets);
                continue;
            }
            text.AppendLine("| target | operations | median µs | p99 µs | ops/s | MiB/s | server CPU µs/op | peer CPU µs/op | client CPU µs/op | server peak RSS MiB |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (string target in targets)
            {
                if (data.Problem(workload, target) is { } problem)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {problem} | | | | | | | | |");
                    continue;
                }
                string ops = Cell(data, workload, target, Field("ops"), "");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {target} | {ops} | {Cell(data, workload, target, Field("median_us"), "")} | {Cell(data, workload, target, Field("p99_us"), "")} | " +
                    $"{Cell(data, workload, target, Field("ops_per_s"), "")} | {Cell(data, workload, target, Field("mib_per_s"), "")} | " +
                    $"{Cell(data, workload, target, CpuPerOp("server"), "")} | {Cell(data, workload, target, CpuPerOp("peer"), "")} | " +
                    $"{Cell(data, workload, target, CpuPerOp("client"), "")} | {Cell(data, workload, target, l => Field("hwm_server_kib")(l) / 1024, "")} |");
            }
            text.AppendLine();
        }
    }

    private static void IdleDetails(StringBuilder text, Measurements data, List<string> targets)
    {
        text.AppendLine("| target | connections | open after the hold | server memory before, MiB | after, MiB | per connection, KiB | connections opened/s | server peak RSS MiB |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string target in targets)
        {
            if (data.Problem("W5", target) is { } problem)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {problem} | | | | | | |");
                continue;
            }
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {target} | {Cell(data, "W5", target, Field("connections"), "")} | {Cell(data, "W5", target, Field("open_after_hold"), "")} | " +
                $"{Cell(data, "W5", target, l => Field("pss_begin_server_kib")(l) / 1024, "")} | {Cell(data, "W5", target, l => Field("pss_end_server_kib")(l) / 1024, "")} | " +
                $"{Cell(data, "W5", target, l => (Field("pss_end_server_kib")(l) - Field("pss_begin_server_kib")(l)) / Field("connections")(l), "")} | " +
                $"{Cell(data, "W5", target, Field("connect_per_s"), "")} | {Cell(data, "W5", target, l => Field("hwm_server_kib")(l) / 1024, "")} |");
        }
        text.AppendLine();
    }

    private static void Allocations(StringBuilder text, Measurements data)
    {
        var lines = data.Lines("ALLOC").Where(l => l.ContainsKey("bytes_per_op")).ToList();
        text.AppendLine("## Allocations per relayed query and per ping");
        text.AppendLine();
        if (lines.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Not measured in this run ({data.Problem("ALLOC", "websocketfy") ?? "no probe lines"}).");
            text.AppendLine();
            return;
        }
        text.AppendLine("Measured by `bench/Websocketfy.AllocProbe`: it runs the daemon's own entry point (same command line,");
        text.AppendLine("same logging set-up as the binary) inside its process under the JIT, against samples/SirenDemo in");
        text.AppendLine("another process, and drives it with a blocking client that allocates nothing per round trip (its thread's");
        text.AppendLine("bytes are counted with `GC.GetAllocatedBytesForCurrentThread` and subtracted; the column shows them).");
        text.AppendLine("Bytes are `GC.GetTotalAllocatedBytes(precise: true)` over N sequential operations after a warm-up;");
        text.AppendLine("thread-pool work items are `ThreadPool.CompletedWorkItemCount` (each is one hop of an async");
        text.AppendLine("continuation or socket completion onto a pool thread). The native binary allocates the same objects");
        text.AppendLine("(same code, same libraries); the JIT may only remove a few boxes that AOT keeps.");
        text.AppendLine();
        text.AppendLine("| operation | log level | N | bytes allocated per op | thread-pool work items per op | gen0 GCs | client bytes per op |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var line in lines)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {(line["kind"] == "sql" ? "relayed 5-row SELECT" : "ping")} | {line["log_level"]} | {line["ops"]} | {line["bytes_per_op"]} | {line["work_items_per_op"]} | {line["gen0_collections"]} | {line["client_bytes_per_op"]} |");
        text.AppendLine();
        foreach (var level in data.Lines("ALLOCTYPES").Select(l => l["log_level"]).Distinct())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"What the relayed queries allocate, log level {level} (share of bytes, sampled by the runtime's GCAllocationTick events, ~1 per 100 KB):");
            text.AppendLine();
            text.AppendLine("| share | type |");
            text.AppendLine("|---|---|");
            foreach (var line in data.Lines("ALLOCTYPES").Where(l => l["log_level"] == level))
                text.AppendLine(CultureInfo.InvariantCulture, $"| {double.Parse(line["share"], CultureInfo.InvariantCulture):P0} | `{line["type"]}` |");
            text.AppendLine();
        }
    }

    private static void Notes(StringBuilder text, Measurements data, Dictionary<string, string> meta)
    {
        text.AppendLine("## Notes");
        text.AppendLine();
        var ceiling = data.Figure("W2", "echo", Field("ops_per_s"));
        var raw = data.Figure("W2", "raw", Field("ops_per_s"));
        var daemon = data.Figure("W2", "websocketfy", Field("ops_per_s"));
        if (ceiling is not null && daemon is not null)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- The client is not the bottleneck: with W2's shape (same connections, one load thread) it drives a 1-byte echo server at {Number(ceiling.Value.Median)} round trips/s and the raw-TCP baseline at {(raw is null ? "?" : Number(raw.Value.Median))} queries/s, against the daemon's {Number(daemon.Value.Median)}/s. Its CPU per operation is in the tables above.");
        text.AppendLine("- samples/SirenDemo, like the real SiREN, writes a reply's body and its prompt separately with Nagle on;");
        text.AppendLine("  a client that does not re-arm TCP_QUICKACK before each read waits for its delayed ACK (~40 ms) on every");
        text.AppendLine("  reply. websocketfy and the raw-TCP client re-arm it; websockify does not, so against SirenDemo it runs");
        text.AppendLine("  fewer queries (see the operations column) and its figures are that wait. W1s/W2s use a SiREN-protocol stub");
        text.AppendLine("  (`websocketfy-load siren-stub`) that answers in one write with TCP_NODELAY: there the relays are");
        text.AppendLine("  compared on their own cost, and the peer costs next to nothing.");
        text.AppendLine("- W1 and W2 use binary messages: websockify refuses text frames, and the viewer sends binary. W1t shows text.");
        text.AppendLine("- W5 raises `--max-connections` and `--max-connections-per-ip` above the connection count (defaults 4096 and");
        text.AppendLine("  256); the client connects from 127.0.0.2–127.0.0.9 so that ephemeral ports do not run out. nginx holds");
        text.AppendLine("  plain TCP connections that sent no request: a reference, not a target. Every connection is checked with");
        text.AppendLine("  one round trip after the hold.");
        text.AppendLine("- CPU seconds come in 10 ms ticks: per-operation CPU is exact to 10 ms / operations (5 µs in W1, 0.5 µs in W6).");
        text.AppendLine("- When other work loads the machine, a server with several busy threads (the daemon) gets a larger share of");
        text.AppendLine("  the CPU than a single-threaded one (nginx's one worker, SiREN, websockify's per-connection process): on a");
        text.AppendLine("  busy machine the file ratios lean the daemon's way, and every figure moves with the load (see the ranges).");
        if (meta.GetValueOrDefault("tls_in_daemon") != "true")
            text.AppendLine("- W3 over TLS: the daemon in this build has no `--tls-certificate`, so only nginx's figure is shown.");
        text.AppendLine();
    }

    internal static string Cell(Measurements data, string workload, string target, Func<Dictionary<string, string>, double> metric, string unit)
    {
        if (data.Problem(workload, target) is { } problem) return problem;
        var figure = data.Figure(workload, target, metric);
        if (figure is null) return "—";
        string u = unit.Length == 0 ? "" : unit.StartsWith('/') ? unit : " " + unit;
        var f = figure.Value;
        return f.Count > 1 && f.Min != f.Max ? $"{Number(f.Median)}{u} ({Number(f.Min)}–{Number(f.Max)})" : $"{Number(f.Median)}{u}";
    }

    internal static string RatioCell(Spread? ratio)
    {
        if (ratio is null) return "—";
        var r = ratio.Value;
        return r.Count > 1 && r.Min != r.Max ? $"{r.Median:0.00}× ({r.Min:0.00}–{r.Max:0.00})" : $"{r.Median:0.00}×";
    }

    internal static string Number(double value) => Math.Abs(value) switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
