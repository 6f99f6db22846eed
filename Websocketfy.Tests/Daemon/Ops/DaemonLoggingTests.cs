using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Tests.Daemon.Ops;

public sealed class DaemonLoggingTests
{
    [TestCase(LogFormat.Simple)]
    [TestCase(LogFormat.Systemd)]
    [TestCase(LogFormat.Json)]
    public void Level_IsReadAtEveryCall_SoItCanChangeWhileRunning(LogFormat format)
    {
        LogLevel level = LogLevel.Warning;
        using var loggers = DaemonLogging.Create(format, () => level);
        var logger = loggers.CreateLogger("Websocketfy.Test");
        Assert.That((logger.IsEnabled(LogLevel.Information), logger.IsEnabled(LogLevel.Warning)), Is.EqualTo((false, true)));

        level = LogLevel.Debug;
        Assert.That((logger.IsEnabled(LogLevel.Debug), logger.IsEnabled(LogLevel.Trace)), Is.EqualTo((true, false)));
        Assert.That(loggers.CreateLogger("Websocketfy.Other").IsEnabled(LogLevel.Debug), Is.True, "every category, new or old");

        level = LogLevel.None;
        Assert.That(logger.IsEnabled(LogLevel.Critical), Is.False);
    }

    [Test]
    public void Auto_IsSimple_UnlessJournalStreamNamesStderr()
    {
        Assert.That(DaemonLogging.Resolve(LogFormat.Auto, _ => null), Is.EqualTo(LogFormat.Simple));
        Assert.That(DaemonLogging.Resolve(LogFormat.Auto, name => name == "JOURNAL_STREAM" ? "0:0" : null), Is.EqualTo(LogFormat.Simple));
        Assert.That(DaemonLogging.Resolve(LogFormat.Json, name => name == "JOURNAL_STREAM" ? "0:0" : null), Is.EqualTo(LogFormat.Json));
    }

    [Test]
    public void Auto_IsSystemd_WhenJournalStreamNamesThisProcesssStderr()
    {
        var stderr = Websocketfy.Daemon.Files.FileIdentity.OfDescriptor(2)!.Value;
        string variable = $"{stderr.Device}:{stderr.Inode}";
        Assert.That(DaemonLogging.Resolve(LogFormat.Auto, name => name == "JOURNAL_STREAM" ? variable : null), Is.EqualTo(LogFormat.Systemd));
        Assert.That(DaemonLogging.Resolve(LogFormat.Simple, name => name == "JOURNAL_STREAM" ? variable : null), Is.EqualTo(LogFormat.Simple),
                    "an explicit format wins");
    }
}
