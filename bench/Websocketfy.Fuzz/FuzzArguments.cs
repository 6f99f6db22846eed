using System.Globalization;
using Websocketfy.Tests.Protocol.Fuzzing;

namespace Websocketfy.Fuzz;

/// <summary>The command line: <c>--seconds N [--seed N] [--target handshake|frames|v2request|all] [--case N] [--out DIR]</c>.</summary>
internal sealed class FuzzArguments
{
    public const string Usage =
        "usage: Websocketfy.Fuzz [--seconds N] [--seed N] [--target handshake|frames|v2request|all] [--case N] [--out DIR]\n" +
        "  --seconds N   time budget (default 60); with --target all the three targets run in parallel for N seconds\n" +
        "  --seed N      first seed (default: random); batches of cases use seeds N, N+1, ...\n" +
        "  --target T    handshake, frames, v2request (websocketfy.v2 request parser) or all (default all)\n" +
        "  --case N      replay case N of --seed only, print the verdict and exit\n" +
        "  --out DIR     where reproducers of failures are written (default artifacts/fuzz-failures)\n";

    public double Seconds { get; private set; } = 60;
    public ulong? Seed { get; private set; }
    public FuzzTarget[] Targets { get; private set; } = [FuzzTarget.Handshake, FuzzTarget.Frames, FuzzTarget.V2Request];
    public long? Case { get; private set; }
    public string OutputDirectory { get; private set; } = "artifacts/fuzz-failures";
    public bool HelpRequested { get; private set; }

    /// <summary>Null and an error message when the command line is not understood.</summary>
    public static FuzzArguments? Parse(string[] args, out string error)
    {
        var parsed = new FuzzArguments();
        error = "";
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                parsed.HelpRequested = true;
                continue;
            }
            if (i + 1 == args.Length)
            {
                error = $"{name} needs a value";
                return null;
            }
            string value = args[++i];
            bool ok = name switch
            {
                "--seconds" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                    && seconds > 0 && parsed.Set(() => parsed.Seconds = seconds),
                "--seed" => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
                    && parsed.Set(() => parsed.Seed = seed),
                "--case" => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long index)
                    && parsed.Set(() => parsed.Case = index),
                "--target" => ParseTargets(value) is { } targets && parsed.Set(() => parsed.Targets = targets),
                "--out" => value.Length > 0 && parsed.Set(() => parsed.OutputDirectory = value),
                _ => false,
            };
            if (!ok)
            {
                error = $"cannot use {name} {value}";
                return null;
            }
        }
        if (parsed.Case is not null && parsed.Seed is null)
        {
            error = "--case needs --seed";
            return null;
        }
        return parsed;
    }

    private bool Set(Action assign)
    {
        assign();
        return true;
    }

    private static FuzzTarget[]? ParseTargets(string value) => value switch
    {
        "handshake" => [FuzzTarget.Handshake],
        "frames" => [FuzzTarget.Frames],
        "v2request" => [FuzzTarget.V2Request],
        "all" => [FuzzTarget.Handshake, FuzzTarget.Frames, FuzzTarget.V2Request],
        _ => null,
    };
}
