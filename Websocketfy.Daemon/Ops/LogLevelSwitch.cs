using Microsoft.Extensions.Logging;

namespace Websocketfy.Daemon.Ops;

/// <summary>The least severe level logged, changeable while the daemon runs (a reload sets it). Every logger
/// consults it on each call, so a change applies at once to all categories.</summary>
public sealed class LogLevelSwitch(LogLevel level)
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public bool Allows(LogLevel level) => level != LogLevel.None && (int)level >= _level;
}
