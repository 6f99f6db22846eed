using Websocketfy.Load;
using Websocketfy.Load.Net;
using Websocketfy.Load.Report;
using Websocketfy.Load.Workloads;

// The load generator of bench/run. One mode per invocation; a measurement prints one "result" line.
const string usage = """
    usage: websocketfy-load MODE [--option value ...]
      run          --workload ID --target NAME --dialect D --port P --ops N [--connections C] [--threads T]
                   [--warmup N] [--repeat R] [--watch name=pid,...] [--query SQL] [--opcode binary|text]
                   [--path FILE | --dir DIR --files N] [--tls true]
      idle         --workload ID --target NAME --dialect D --port P --connections C --hold SECONDS
                   [--sources 8] [--watch ...] [--path FILE]
      files        --workload ID --target NAME --protocol v2|classic --port P --dir DIR --files N --file-mib M
                   --ops ROUNDS [--warmup ROUNDS] [--query SQL] [--repeat R] [--watch ...]
                   (N files at once: N gets on one websocketfy.v2 connection, or N classic connections;
                   with --query, SELECTs sent while they stream)
      echo-server  --port P
      siren-stub   --port P
      make-tree    --root DIR [--big-mib 256] [--small-files 2000] [--small-kib 64] [--v2-files 8 --v2-mib 64]
      report       --results FILE --out FILE
      perf-summary [--top 45] < (perf script -F comm,tid,ip,sym output)
      compare-summary --results FILE
    """;

if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.Write(usage);
    Console.Write(Dialect.Usage);
    return args.Length == 0 ? 64 : 0;
}
try
{
    var options = new Options(args.Skip(1));
    return args[0] switch
    {
        "run" => RoundTrips.Run(options),
        "idle" => IdleConnections.Run(options),
        "files" => ConcurrentFiles.Run(options),
        "batch" => Batch.Run(options),
        "echo-server" => TinyServers.RunEcho(options),
        "siren-stub" => TinyServers.RunSirenStub(options),
        "make-tree" => TreeMaker.Run(options),
        "report" => ResultsReport.Run(options),
        "perf-summary" => PerfSummary.Run(options),
        "compare-summary" => CompareSummary.Run(options),
        _ => throw new UsageException($"unknown mode '{args[0]}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"websocketfy-load: {ex.Message}");
    Console.Error.Write(usage);
    return 64;
}
catch (Exception ex) when (Batch.IsMeasurementFailure(ex))
{
    Console.Error.WriteLine($"websocketfy-load: {args[0]} failed: {Batch.Reason(ex)}");
    return 1;
}
