namespace Websocketfy.Daemon.Ops;

/// <summary>How log lines are written to stderr.</summary>
public enum LogFormat
{
    /// <summary><see cref="Systemd"/> when stderr is the journal ($JOURNAL_STREAM names it), else <see cref="Simple"/>.</summary>
    Auto,
    /// <summary>One line per event: UTC timestamp, level, category, message.</summary>
    Simple,
    /// <summary>Each line starts with its syslog priority (&lt;6&gt; ...), which journald turns into PRIORITY=.</summary>
    Systemd,
    /// <summary>One JSON object per line, the message's structured fields included, for log shippers.</summary>
    Json,
}
