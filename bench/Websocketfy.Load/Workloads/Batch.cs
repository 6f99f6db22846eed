using System.Globalization;
using Websocketfy.Load.Measure;

namespace Websocketfy.Load.Workloads;

/// <summary>
/// Many measurements in one process: bench/run sends one line per measurement (the mode and its
/// options, separated by tabs) and gets one "result" line back for each, a "failed" one when the
/// server misbehaved, so that one process start (and JIT warm-up) serves a whole workload block.
/// A one-line summary of each goes to stderr as it completes.
/// </summary>
internal static class Batch
{
    public static int Run(Options options)
    {
        options.CheckAllRead();
        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            if (line.Trim().Length == 0) continue;
            string[] words = line.Split('\t');
            var measurement = new Options(words.Skip(1));
            string workload = measurement.Text("workload", "?"), target = measurement.Text("target", "?");
            string repeat = measurement.Text("repeat", "1");
            var output = new StringWriter(CultureInfo.InvariantCulture);
            TextWriter stdout = Console.Out;
            Console.SetOut(output);
            string outcome;
            try
            {
                int status = words[0] switch
                {
                    "run" => RoundTrips.Run(measurement),
                    "idle" => IdleConnections.Run(measurement),
                    "files" => ConcurrentFiles.Run(measurement),
                    var other => throw new UsageException($"batch runs 'run', 'idle' and 'files' lines, not '{other}'"),
                };
                outcome = status == 0 ? Summary(output.ToString()) : $"exit status {status}";
            }
            catch (Exception ex) when (IsMeasurementFailure(ex) || ex is UsageException)
            {
                var failed = new ResultLine(workload, target, int.Parse(repeat, CultureInfo.InvariantCulture));
                failed.Add("failed", Reason(ex).Replace('\t', ' ').Replace('\n', ' '));
                output.WriteLine(failed);
                outcome = "FAILED: " + Reason(ex);
            }
            finally
            {
                Console.SetOut(stdout);
            }
            Console.Write(output.ToString());
            Console.Out.Flush();
            Console.Error.WriteLine($"[load {DateTime.Now:HH:mm:ss}] {workload} {target}: {outcome}");
        }
        return 0;
    }

    /// <summary>A server that refused, closed or answered wrongly: reported in one line, no stack trace.</summary>
    public static bool IsMeasurementFailure(Exception ex) => ex is AggregateException many
        ? many.InnerExceptions.All(IsMeasurementFailure)
        : ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException;

    public static string Reason(Exception ex) => (ex is AggregateException many ? many.InnerExceptions[0] : ex).Message;

    private static string Summary(string output)
    {
        var fields = output.Split('\n').Select(ResultLine.Parse).OfType<Dictionary<string, string>>().FirstOrDefault();
        if (fields is null) return "no result line";
        return string.Join(", ", new[] { "median_us", "ops_per_s", "mib_per_s", "open_after_hold" }
            .Where(fields.ContainsKey).Select(k => $"{k} {double.Parse(fields[k], CultureInfo.InvariantCulture):0.#}"));
    }
}
