namespace Websocketfy.Daemon.Files;

/// <summary>The file ended before the promised byte range was sent: it shrank while being served. The
/// frame length is already on the wire, so the only honest reaction is to drop the TCP connection.</summary>
public sealed class FileChangedException : IOException
{
    public FileChangedException(long expected, long sent)
        : base($"The file ended after {sent} of {expected} bytes: it changed while being sent.")
    {
        ExpectedBytes = expected;
        SentBytes = sent;
    }

    /// <summary>The byte count that was to be sent.</summary>
    public long ExpectedBytes { get; }

    /// <summary>The bytes that did go out before the file ended.</summary>
    public long SentBytes { get; }
}
