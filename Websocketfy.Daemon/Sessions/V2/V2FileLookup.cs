using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Ops;
using Websocketfy.Daemon.Files;
using Websocketfy.Protocol.Commands;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>A file a get or stat may serve, open, with the version it had when opened.</summary>
internal sealed class V2OpenFile(OpenedFile file, FileVersion version, Metrics metrics) : IDisposable
{
    private int _disposed;

    public SafeFileHandle Handle => file.Stream.SafeFileHandle;
    public FileVersion Version => version;
    public V2FileFacts Facts => new(version.Size, version.ModifiedSeconds, version.ModifiedNanoseconds);

    /// <summary>Closes the file once, however many owners let go of it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        file.Dispose();
        metrics.FileClosed();
    }
}

/// <summary>Finds the file a v2 request names, by exactly the classic rules (PROTOCOL.md section 1, "File
/// requests"): the path trimmed of white space, "File name is missing!" when that leaves nothing, "File not
/// found!" for every other refusal (the log says which).</summary>
internal static class V2FileLookup
{
    /// <returns>The open file, or null with the error code, its message and the cause for the log.</returns>
    public static V2OpenFile? Open(SessionContext context, string peer, string path, out string code, out string message, out string cause)
    {
        // string.Trim's white space is char.IsWhiteSpace, which is SiREN's (see SirenWhiteSpace).
        var verdict = RequestPath.Check(path.Trim(), out string[] segments);
        code = message = cause = "";
        if (verdict == PathVerdict.Missing)
        {
            (code, message, cause) = (V2ErrorCode.MissingPath, "File name is missing!", "file name missing");
            return null;
        }
        if (verdict != PathVerdict.Ok)
        {
            return Refuse(context, peer, verdict.ToString(), out code, out message, out cause);
        }
        var file = context.Files.TryOpen(segments, out FileRefusal refusal);
        if (file is null)
        {
            return Refuse(context, peer, refusal.ToString(), out code, out message, out cause);
        }
        if (!FileVersion.TryOf(file.Stream.SafeFileHandle, out FileVersion version, out int errno))
        {
            file.Dispose();
            return Refuse(context, peer, $"statx: {Errno.Name(errno)}", out code, out message, out cause);
        }
        context.Metrics.FileOpened();
        return new V2OpenFile(file, version, context.Metrics);
    }

    private static V2OpenFile? Refuse(SessionContext context, string peer, string why, out string code, out string message, out string cause)
    {
        context.Metrics.FileNotFound();
        context.CommandLog.LogInformation("{Peer} file refused: {Cause}", peer, why);
        (code, message, cause) = (V2ErrorCode.NotFound, "File not found!", $"file not found ({why})");
        return null;
    }
}
