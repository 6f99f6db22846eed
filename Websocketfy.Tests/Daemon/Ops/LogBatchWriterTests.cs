using System.Text;
using Websocketfy.Daemon.Ops;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The batching log writer on its own: many lines per write, urgency, a size bound, flushing, and a
/// stalled stream that costs dropped (and counted) lines, never unbounded memory or a blocked caller.</summary>
public sealed class LogBatchWriterTests
{
    /// <summary>A stream that records each write and can be held shut, as a pipe nobody reads would be.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly List<byte[]> _writes = [];
        private readonly ManualResetEventSlim _open = new(initialState: true);

        private int _writesStarted;

        public int WritesStarted => Volatile.Read(ref _writesStarted);

        public void Stall() => _open.Reset();
        public void Release() => _open.Set();

        public List<string> Writes { get { lock (_writes) return _writes.Select(w => Encoding.UTF8.GetString(w)).ToList(); } }
        public string All => string.Concat(Writes);

        public override void Write(byte[] buffer, int offset, int count)
        {
            Interlocked.Increment(ref _writesStarted);
            _open.Wait();
            lock (_writes) _writes.Add(buffer.AsSpan(offset, count).ToArray());
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    [Test]
    public void LinesThatCameDuringTheLinger_GoOutInOneWrite()
    {
        var stream = new RecordingStream();
        using var writer = new LogBatchWriter(stream, _ => { }, linger: Timeout.InfiniteTimeSpan);
        for (int i = 0; i < 3; i++) writer.Append(Line($"line {i}"), urgent: false);
        Assert.That(writer.Flush(Wait.DefaultTimeout), Is.True);
        Assert.That(stream.Writes, Is.EqualTo(new[] { "line 0\nline 1\nline 2\n" }));
    }

    [Test]
    public async Task AnUrgentLine_EndsTheLinger_AndTakesTheLinesBeforeItAlong()
    {
        var stream = new RecordingStream();
        // With an endless linger only urgency can get these lines out.
        using var writer = new LogBatchWriter(stream, _ => { }, linger: Timeout.InfiniteTimeSpan);
        writer.Append(Line("info"), urgent: false);
        writer.Append(Line("warn"), urgent: true);
        Assert.That(await Wait.UntilAsync(() => stream.Writes.Count > 0), Is.True, "the warning was not written");
        Assert.That(stream.Writes[0], Is.EqualTo("info\nwarn\n"));
    }

    [Test]
    public async Task AFullBatch_EndsTheLinger()
    {
        var stream = new RecordingStream();
        using var writer = new LogBatchWriter(stream, _ => { }, linger: Timeout.InfiniteTimeSpan);
        byte[] line = Line(new string('x', 1023));
        for (int bytes = 0; bytes < LogBatchWriter.BatchBytes; bytes += line.Length) writer.Append(line, urgent: false);
        Assert.That(await Wait.UntilAsync(() => stream.Writes.Count > 0), Is.True, "a full batch was not written");
        Assert.That(stream.Writes[0].Length, Is.GreaterThanOrEqualTo(LogBatchWriter.BatchBytes));
    }

    [Test]
    public void Dispose_WritesWhatIsPending()
    {
        var stream = new RecordingStream();
        var writer = new LogBatchWriter(stream, _ => { }, linger: Timeout.InfiniteTimeSpan);
        writer.Append(Line("last words"), urgent: false);
        writer.Dispose();
        Assert.That(stream.All, Is.EqualTo("last words\n"));
    }

    [Test]
    public async Task AStalledStream_CostsDroppedAndCountedLines_NotMemoryOrABlockedCaller()
    {
        var stream = new RecordingStream();
        long reported = 0;
        using var writer = new LogBatchWriter(stream, count => Interlocked.Add(ref reported, count), linger: Timeout.InfiniteTimeSpan);
        stream.Stall();
        writer.Append(Line("stuck"), urgent: true);
        Assert.That(await Wait.UntilAsync(() => stream.WritesStarted == 1), Is.True, "the writer never wrote");

        // Twice the capacity while the writer is stuck in its write: every Append returns (this test would hang
        // otherwise), what is kept stays within the bound, the rest is counted.
        byte[] line = Line(new string('y', 999));
        int lines = 2 * LogBatchWriter.Capacity / line.Length;
        for (int i = 0; i < lines; i++) writer.Append(line, urgent: false);
        Assert.That(writer.PendingBytes, Is.LessThanOrEqualTo(LogBatchWriter.Capacity));
        long dropped = writer.DroppedTotal;
        Assert.That(dropped, Is.EqualTo(lines - writer.PendingBytes / line.Length));
        Assert.That(writer.Flush(TimeSpan.FromMilliseconds(1)), Is.False, "a flush gives up on a stalled stream");

        stream.Release();
        Assert.That(writer.Flush(Wait.DefaultTimeout), Is.True);
        Assert.That(await Wait.UntilAsync(() => Interlocked.Read(ref reported) == dropped), Is.True,
                    $"reported {Interlocked.Read(ref reported)} dropped lines of {dropped}");
        int kept = stream.All.Count(c => c == 'y') / 999;
        Assert.That(kept + dropped, Is.EqualTo(lines), "every line is either written or counted");
    }
}
