using System.Globalization;
using Websocketfy.Daemon.Files;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// Whether stderr is connected to the journal. systemd sets $JOURNAL_STREAM to "DEVICE:INODE" (decimal) of
/// the stream it connected stdout/stderr to; the variable is inherited by children whose stderr may be
/// elsewhere, so it only counts when it names the descriptor we write to (systemd.exec(5)).
/// </summary>
internal static class JournalStream
{
    public const string Variable = "JOURNAL_STREAM";
    private const int StandardError = 2;

    public static bool IsStderr(Func<string, string?> environment) =>
        Names(environment(Variable), FileIdentity.OfDescriptor(StandardError));

    /// <summary>True when <paramref name="variable"/> is exactly "device:inode" of <paramref name="stream"/>.</summary>
    public static bool Names(string? variable, FileIdentity? stream)
    {
        if (string.IsNullOrEmpty(variable) || stream is not FileIdentity identity) return false;
        int colon = variable.IndexOf(':');
        if (colon <= 0) return false;
        return ulong.TryParse(variable.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out ulong device)
            && ulong.TryParse(variable.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
            && device == identity.Device && inode == identity.Inode;
    }
}
