using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Websocketfy.Bench;

// Micro-benchmarks of the protocol library. Pick with --filter, e.g.
//   dotnet run -c Release --project bench/Websocketfy.Bench -- --filter '*Unmask*'
// ShortRun (1 launch, 3 warm-ups, 3 iterations) keeps the whole suite to a few minutes;
// pass --job Default (or others) on the command line for tighter error bars.
IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun)
    .AddColumn(new ThroughputColumn());

BenchmarkSwitcher.FromAssembly(typeof(UnmaskBenchmarks).Assembly).Run(args, config);
