using System.Globalization;
using System.Net;

namespace Websocketfy.SirenDemo;

/// <summary>The command line of <c>siren-demo</c>, parsed by hand (no System.CommandLine here).</summary>
public sealed record DemoArguments
{
    public const string Usage = """
        usage: siren-demo [--port 3434] [--bind 127.0.0.1] [--db PATH]
          --port N     TCP port to listen on (default 3434; 0 picks a free one)
          --bind IP    address to listen on (default 127.0.0.1)
          --db PATH    SQLite database file (default: in memory); demo tables are added when missing
          --help       show this text
        exit codes: 0 stopped by signal, 64 bad arguments, 69 cannot listen, 74 cannot open the database
        """;

    public int Port { get; init; } = 3434;

    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    public string? DatabasePath { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>Parses <paramref name="args"/>; options take their value as the next word or after '='.</summary>
    /// <param name="error">Why the arguments are unusable, when the result is null.</param>
    public static DemoArguments? Parse(IReadOnlyList<string> args, out string error)
    {
        var parsed = new DemoArguments();
        error = string.Empty;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? value = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }

            if (name is "--help" or "-h")
            {
                parsed = parsed with { ShowHelp = true };
                continue;
            }

            if (name is not ("--port" or "--bind" or "--db"))
            {
                error = $"unknown argument '{arg}'";
                return null;
            }

            if (value is null)
            {
                if (i + 1 == args.Count)
                {
                    error = $"{name} needs a value";
                    return null;
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
                    {
                        error = $"--port must be a number from 0 to 65535, not '{value}'";
                        return null;
                    }

                    parsed = parsed with { Port = port };
                    break;
                case "--bind":
                    if (!IPAddress.TryParse(value, out IPAddress? address))
                    {
                        error = $"--bind must be an IP address, not '{value}'";
                        return null;
                    }

                    parsed = parsed with { Bind = address };
                    break;
                default:
                    if (value.Length == 0)
                    {
                        error = "--db needs a file path";
                        return null;
                    }

                    parsed = parsed with { DatabasePath = value };
                    break;
            }
        }

        return parsed;
    }
}
