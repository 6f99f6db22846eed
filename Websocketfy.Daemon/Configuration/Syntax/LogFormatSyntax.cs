using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>The log formats by name, any case.</summary>
internal static class LogFormatSyntax
{
    private static readonly NameTable<LogFormat> Table = new("a log format", "auto, simple, systemd or json",
    [
        ("auto", LogFormat.Auto),
        ("simple", LogFormat.Simple),
        ("systemd", LogFormat.Systemd),
        ("json", LogFormat.Json),
    ]);

    public static Parsed<LogFormat> Parse(string text) => Table.Parse(text);

    public static string Format(LogFormat format) => Table.Format(format);
}
