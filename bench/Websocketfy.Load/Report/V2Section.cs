using System.Globalization;
using System.Text;
using static Websocketfy.Load.Report.Measurements;
using static Websocketfy.Load.Report.ResultsReport;

namespace Websocketfy.Load.Report;

/// <summary>
/// RESULTS.md's section for the websocketfy.v2 workloads of issue 11 (V2F, V2Q), between marker
/// comments so that it can be carried into a RESULTS.md written by another run (bench/run --only V2F,V2Q
/// writes a report of its own whose other sections say "not measured").
/// </summary>
internal static class V2Section
{
    public const string Begin = "<!-- websocketfy.v2 workloads (issue 11): begin -->";
    public const string End = "<!-- websocketfy.v2 workloads (issue 11): end -->";

    /// <param name="meta">Where and how the run was made: the section names it, as it may be carried into another run's report.</param>
    public static void Append(StringBuilder text, Measurements data, Dictionary<string, string> meta)
    {
        if (!data.Lines("V2F").Any() && !data.Lines("V2Q").Any()) return;
        var files = data.Lines("V2F", "v2").Concat(data.Lines("V2Q", "v2")).FirstOrDefault(l => l.ContainsKey("files"));
        string shape = files is null ? "N files"
            : $"{files["files"]} × {Number(Field("payload_bytes")(files) / Field("ops")(files) / 1048576)} MiB";
        var mibs = Field("mib_per_s");
        Func<Dictionary<string, string>, double> rss = l => Field("hwm_server_kib")(l) / 1024;

        text.AppendLine(Begin);
        text.AppendLine("## websocketfy.v2: concurrent files on one connection, and SQL while they stream (issue 11)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{shape} fetched at once: as {Number(files is null ? 8 : Field("files")(files))} gets on ONE `websocketfy.v2` connection (round-robin chunks of");
        text.AppendLine("256 KiB), and as one classic `REQUEST` on each of as many classic connections (one sendfile'd message");
        text.AppendLine("per file). samples/SirenDemo is the SiREN peer; a fresh daemon per protocol, so its peak RSS is this");
        text.AppendLine("workload's. V2Q adds SELECTs (5 rows) while the files stream: v2 sends them on the same connection, the");
        text.AppendLine("next one as soon as a reply lands; classic sends one right behind each file request, and its in-order");
        text.AppendLine("protocol makes it wait for that file. Ratios are v2 / classic within a repeat.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Measured by `{meta.GetValueOrDefault("command")}` on {meta.GetValueOrDefault("date")} ({meta.GetValueOrDefault("repeats")} repeat(s); " +
            $"load average {meta.GetValueOrDefault("load_before")} at the start; {meta.GetValueOrDefault("websocketfy")}).");
        text.AppendLine();
        text.AppendLine("| id | what | v2, one connection | classic, one connection per file | v2 / classic |");
        text.AppendLine("|---|---|---|---|---|");
        Row(text, data, "V2F", "files: MiB/s", mibs, "MiB/s");
        Row(text, data, "V2F", "files: daemon peak RSS", rss, "MiB");
        Row(text, data, "V2F", "files: daemon CPU per MiB", CpuPerMib, "ms");
        Row(text, data, "V2F", "time to each file's end: median", Field("median_us"), "µs");
        Row(text, data, "V2Q", "SELECT during the downloads: median reply time", Field("sql_median_us"), "µs");
        Row(text, data, "V2Q", "the same: p99", Field("sql_p99_us"), "µs");
        Row(text, data, "V2Q", "the same: SELECTs answered", Field("sql_ops"), "");
        Row(text, data, "V2Q", "files meanwhile: MiB/s", mibs, "MiB/s");
        text.AppendLine();
        text.AppendLine("| id | protocol | files | median µs to a file's end | MiB/s | SELECTs | SELECT median µs | SELECT p99 µs | daemon CPU µs/MiB | peer CPU s | daemon peak RSS MiB |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string workload in new[] { "V2F", "V2Q" })
            foreach (string target in new[] { "v2", "classic" })
            {
                if (!data.Lines(workload, target).Any()) continue;
                if (data.Problem(workload, target) is { } problem)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {target} | {problem} | | | | | | | | |");
                    continue;
                }
                string Of(Func<Dictionary<string, string>, double> metric) => Cell(data, workload, target, metric, "");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {workload} | {target} | {Of(Field("ops"))} | {Of(Field("median_us"))} | {Of(mibs)} | {Of(Field("sql_ops"))} | " +
                    $"{Of(Field("sql_median_us"))} | {Of(Field("sql_p99_us"))} | {Of(l => CpuPerMib(l) * 1000)} | " +
                    $"{Of(Field("cpu_peer_s"))} | {Of(rss)} |");
            }
        text.AppendLine();
        text.AppendLine("- \"Time to a file's end\" counts from the moment the round's requests were sent. On v2 the files share");
        text.AppendLine("  one connection chunk by chunk, so each ends near the end of the round; classic connections run at their own pace.");
        text.AppendLine("- One v2 connection is one TCP stream: for the rate of one stream compare W3 (one classic connection, one");
        text.AppendLine("  file). Eight classic connections are eight streams, which the kernel and the daemon serve in parallel.");
        text.AppendLine("- V2Q's v2 client sends its SELECTs back to back for as long as the files stream, so queries and files share the");
        text.AppendLine("  connection and the daemon's CPU; the classic client sends one SELECT per file.");
        text.AppendLine("- A classic client could open yet another connection for its queries; it would then wait for the CPU and");
        text.AppendLine("  the link like v2's SELECTs do, not for a file (V2Q's classic row is the in-order protocol's own wait).");
        text.AppendLine(End);
        text.AppendLine();
    }

    private static double CpuPerMib(Dictionary<string, string> line) =>
        Field("cpu_server_s")(line) * 1000 / (Field("payload_bytes")(line) / 1048576);

    private static void Row(StringBuilder text, Measurements data, string workload, string what,
                            Func<Dictionary<string, string>, double> metric, string unit)
    {
        var ratio = data.Ratio(workload, "v2", metric, workload, "classic", metric);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {workload} | {what} | {Cell(data, workload, "v2", metric, unit)} | {Cell(data, workload, "classic", metric, unit)} | {RatioCell(ratio)} |");
    }
}
