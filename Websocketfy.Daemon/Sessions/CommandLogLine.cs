using Microsoft.Extensions.Logging;
using Websocketfy.Protocol.Commands;

namespace Websocketfy.Daemon.Sessions;

/// <summary>The one line logged per command (operators want it), made cheap: a source-generated call with typed
/// arguments (no params array, no boxes before the level check), the command kind's name without enum reflection.</summary>
internal static partial class CommandLogLine
{
    [LoggerMessage(EventId = 0, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "{Peer} {Identity} command {Kind}: {Bytes} bytes in, {Elapsed:0.###} ms, {Outcome}")]
    public static partial void Write(ILogger logger, string peer, string identity, string kind, int bytes, double elapsed, string outcome);

    /// <summary>The same for a websocketfy.v2 request; the caller checks the level first, so the outcome text
    /// is only put together when the line is written.</summary>
    [LoggerMessage(EventId = 0, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "{Peer} {Identity} v2 request {Id} {Op}: {Bytes} bytes in, {Elapsed:0.###} ms, {Outcome}")]
    public static partial void WriteV2(ILogger logger, string peer, string identity, int id, string op, int bytes, double elapsed, string outcome);

    /// <summary>The kind's name as the log writes it (what <c>ToString</c> gives, without reflection).</summary>
    public static string NameOf(CommandKind kind) => kind switch
    {
        CommandKind.FileRequest => nameof(CommandKind.FileRequest),
        CommandKind.Quit => nameof(CommandKind.Quit),
        CommandKind.Blank => nameof(CommandKind.Blank),
        CommandKind.Sql => nameof(CommandKind.Sql),
        _ => kind.ToString(),
    };
}
