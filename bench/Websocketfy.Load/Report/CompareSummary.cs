using System.Globalization;
using static Websocketfy.Load.Report.Measurements;

namespace Websocketfy.Load.Report;

/// <summary>For bench/compare: per workload and variant, the medians over the rounds of the round trip,
/// the throughput and the daemon's CPU per operation, each with its range.</summary>
internal static class CompareSummary
{
    public static int Run(Options options)
    {
        var data = Measurements.Load(options.Text("results"));
        options.CheckAllRead();
        var lines = data.Lines("W1s").Concat(data.Lines("W2s")).Concat(data.Lines("W6")).ToList();
        Console.WriteLine("| workload | variant | rounds | median µs | ops/s | daemon CPU µs/op | client CPU µs/op |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var group in lines.GroupBy(l => (l["workload"], l["target"])))
        {
            var (workload, variant) = group.Key;
            if (data.Problem(workload, variant) is { } problem)
            {
                Console.WriteLine($"| {workload} | {variant} | {problem} | | | | |");
                continue;
            }
            string Cell(Func<Dictionary<string, string>, double> metric) => data.Figure(workload, variant, metric) is { } f
                ? string.Create(CultureInfo.InvariantCulture, $"{f.Median:0.#} ({f.Min:0.#}–{f.Max:0.#})") : "—";
            Console.WriteLine($"| {workload} | {variant} | {group.Count()} | {Cell(Field("median_us"))} | {Cell(Field("ops_per_s"))} | " +
                              $"{Cell(CpuPerOp("server"))} | {Cell(CpuPerOp("client"))} |");
        }
        return 0;
    }
}
