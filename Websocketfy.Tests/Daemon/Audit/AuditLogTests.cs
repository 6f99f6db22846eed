using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Ops;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Audit;

public sealed class AuditLogTests
{
    private TempTree _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempTree();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    private static AuditRecord Record(int i) => new() { Time = DateTimeOffset.UtcNow, Event = "sql", Client = "127.0.0.1", Outcome = "ok", Identity = $"user{i}", Role = "admin" };

    private static string[] Lines(string path) => File.ReadAllLines(path);

    [Test]
    public async Task Complete_WritesEveryQueuedLine()
    {
        string path = Path.Combine(_dir.Root, "audit.log");
        var metrics = new Metrics();
        var audit = AuditLog.Open(path, metrics, NullLogger.Instance);
        for (int i = 0; i < 5000; i++) audit.Write(Record(i));
        await audit.CompleteAsync();
        string[] lines = Lines(path);
        Assert.That(lines, Has.Length.EqualTo(5000));
        Assert.That(JsonDocument.Parse(lines[4999]).RootElement.GetProperty("identity").GetString(), Is.EqualTo("user4999"));
        Assert.That(metrics.RenderPrometheus(), Does.Contain("websocketfy_audit_lines_written_total 5000\n"));
    }

    [Test]
    public async Task AWriteAfterTheLogWasRetired_IsCountedAsLost_WithoutMarkingTheTrailFailing()
    {
        var metrics = new Metrics();
        var audit = AuditLog.Open(Path.Combine(_dir.Root, "audit.log"), metrics, NullLogger.Instance);
        await audit.CompleteAsync();
        audit.Write(Record(1));
        string text = metrics.RenderPrometheus();
        Assert.That(text, Does.Contain("websocketfy_audit_lines_lost_total 1\n"));
        Assert.That(text, Does.Contain("websocketfy_audit_failing 0\n"));
    }

    [Test]
    public async Task AnExistingFile_IsAppendedTo()
    {
        string path = _dir.Write("audit.log", "{\"earlier\":true}\n"u8.ToArray());
        var audit = AuditLog.Open(path, new Metrics(), NullLogger.Instance);
        audit.Write(Record(1));
        await audit.CompleteAsync();
        Assert.That(Lines(path), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task Reload_AfterARotation_WritesToTheNewFile()
    {
        string path = Path.Combine(_dir.Root, "audit.log");
        var audit = AuditLog.Open(path, new Metrics(), NullLogger.Instance);
        audit.Write(Record(1));
        Assert.That(await Wait.UntilAsync(() => File.Exists(path) && Lines(path).Length == 1, TimeSpan.FromSeconds(30)), Is.True);
        File.Move(path, path + ".1");          // what logrotate does, then it sends SIGHUP
        audit.Write(Record(2));                // may still land in the moved file: it is open
        audit.UseFile(AuditLog.OpenFile(path));
        audit.Write(Record(3));
        await audit.CompleteAsync();
        Assert.That(Lines(path + ".1").Length + Lines(path).Length, Is.EqualTo(3));
        Assert.That(Lines(path)[^1], Does.Contain("user3"));
    }

    [Test]
    public async Task FullDisk_LosesLinesCountedAndLogged_AndWritingResumesAfterAReopen()
    {
        string link = Path.Combine(_dir.Root, "audit.log");
        File.CreateSymbolicLink(link, "/dev/full");
        var metrics = new Metrics();
        var log = new ListLogger();
        var audit = AuditLog.Open(link, metrics, log);
        audit.Write(Record(1));
        audit.Write(Record(2));
        Assert.That(await Wait.UntilAsync(() => metrics.RenderPrometheus().Contains("websocketfy_audit_failing 1\n"), TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(log.Lines, Has.Some.Contains("cannot write").And.Contains("the service goes on"));

        File.Delete(link);
        audit.UseFile(AuditLog.OpenFile(link));  // a real file now
        audit.Write(Record(3));
        await audit.CompleteAsync();
        string text = metrics.RenderPrometheus();
        Assert.That(text, Does.Contain("websocketfy_audit_failing 0\n"));
        Assert.That(text, Does.Contain("websocketfy_audit_lines_written_total 1\n"));
        Assert.That(text, Does.Match("websocketfy_audit_lines_lost_total [12]\n"));
        Assert.That(Lines(link), Has.Length.EqualTo(1));
        Assert.That(log.Lines, Has.Some.Contains("writing again"));
    }

}

/// <summary>A logger that keeps its lines, for tests that assert what an operator is told.</summary>
public sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
                            Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) _lines.Add(formatter(state, exception));
    }
}
