namespace Websocketfy.Daemon.Configuration;

/// <summary>The flags of the original WS-Server, so websocketfy can replace it in an existing launch script:
/// <c>-hi &lt;bind ip&gt; -pi &lt;port&gt; -hs &lt;siren host&gt; -ps &lt;siren port&gt;</c>.
/// They are rewritten to long options before parsing, because a parser with POSIX conventions reads "-hi"
/// as the bundle "-h -i" (and "-h" is help). -hs and -ps together make one --siren; either alone is
/// combined with the default of the other.</summary>
internal static class LegacyArguments
{
    public readonly record struct Result(string[] Arguments, string? Error);

    /// <param name="arguments">The raw command line.</param>
    /// <param name="takesValue">Whether a long option consumes the next argument as its value, so that
    /// value is never mistaken for a flag ("--root -hi" names a directory called "-hi").</param>
    public static Result Rewrite(IReadOnlyList<string> arguments, Func<string, bool> takesValue)
    {
        var rewritten = new List<string>(arguments.Count + 1);
        string? sirenHost = null;
        string? sirenPort = null;
        int sirenPosition = -1;
        bool longSirenGiven = false;

        for (int i = 0; i < arguments.Count; i++)
        {
            string argument = arguments[i];
            if (argument is "-hi" or "-pi" or "-hs" or "-ps")
            {
                if (i + 1 >= arguments.Count)
                    return Fail($"'{argument}' needs a value ({Usage(argument)})");
                string value = arguments[++i];
                switch (argument)
                {
                    case "-hi":
                        rewritten.Add("--bind");
                        rewritten.Add(value);
                        break;
                    case "-pi":
                        rewritten.Add("--port");
                        rewritten.Add(value);
                        break;
                    default:
                        if ((argument == "-hs" ? sirenHost : sirenPort) is not null)
                            return Fail($"'{argument}' is given more than once");
                        if (argument == "-hs")
                            sirenHost = value;
                        else
                            sirenPort = value;
                        if (sirenPosition < 0)
                            sirenPosition = rewritten.Count;
                        break;
                }
                continue;
            }

            longSirenGiven |= argument == "--siren" || argument.StartsWith("--siren=", StringComparison.Ordinal)
                || argument.StartsWith("--siren:", StringComparison.Ordinal);
            rewritten.Add(argument);
            if (takesValue(argument) && i + 1 < arguments.Count)
                rewritten.Add(arguments[++i]);
        }

        if (sirenPosition >= 0)
        {
            if (longSirenGiven)
                return Fail("'-hs'/'-ps' and '--siren' cannot be combined");
            rewritten.InsertRange(sirenPosition, ["--siren", CombineSiren(sirenHost, sirenPort)]);
        }
        return new Result([.. rewritten], null);
    }

    private static string CombineSiren(string? host, string? port)
    {
        var defaults = new GatewayOptions();
        host ??= defaults.SirenHost;
        // WS-Server took a bare IPv6 address after -hs; --siren needs it bracketed to find the port.
        if (host.Contains(':') && !host.StartsWith('['))
            host = $"[{host}]";
        return $"{host}:{port ?? defaults.SirenPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string Usage(string flag) => flag switch
    {
        "-hi" => "-hi <bind ip>",
        "-pi" => "-pi <port>",
        "-hs" => "-hs <siren host>",
        _ => "-ps <siren port>",
    };

    private static Result Fail(string error) => new([], error);
}
