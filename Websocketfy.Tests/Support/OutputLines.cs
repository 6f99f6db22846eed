using System.Text.RegularExpressions;

namespace Websocketfy.Tests.Support;

/// <summary>
/// Lines that something writes in its own time (a daemon child's stdout and stderr, the in-process daemon's
/// log), collected as they come, with the one safe way to assert on them: wait until they contain what the
/// assertion needs. A logger writes from a thread of its own, so a line is not there yet just because an
/// earlier line, or a reply to the client, is.
/// </summary>
public sealed class OutputLines(string source)
{
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = NewSignal();
    private string? _ended;

    /// <summary>Every line until now, in arrival order. More may be on the way: to assert that something was
    /// written use <see cref="WaitForAsync(string, TimeSpan?)"/>; use this only for "not written" checks
    /// made after waiting for a line that comes later.</summary>
    public string SoFar { get { lock (_lines) return string.Join('\n', _lines); } }

    /// <summary>Lines until now: give it to <see cref="WaitForLineAsync"/> to wait for a later line only
    /// (say, the answer to a signal sent after this point).</summary>
    public int Count { get { lock (_lines) return _lines.Count; } }

    public void Add(string line) => Change(() => _lines.Add(line));

    /// <summary>No more lines will come (<paramref name="how"/> says why, for failure messages).</summary>
    public void End(string how) => Change(() => _ended ??= how);

    /// <summary>Waits until the lines contain <paramref name="text"/> (ends as soon as they do) and returns them.
    /// Fails the test, showing the lines, when the output ends or <paramref name="timeout"/> (30 s unless
    /// given) passes first.</summary>
    public Task<string> WaitForAsync(string text, TimeSpan? timeout = null) =>
        WaitForAsync(lines => lines.Contains(text, StringComparison.Ordinal), $"\"{text}\"", timeout);

    /// <summary>Waits until a line after the first <paramref name="skip"/> contains <paramref name="text"/>; returns
    /// that line. Fails like <see cref="WaitForAsync(string, TimeSpan?)"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, int skip = 0, TimeSpan? timeout = null)
    {
        string? found = null;
        await WaitForAsync(_ =>
        {
            lock (_lines) found = _lines.Skip(skip).FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
            return found is not null;
        }, $"a line with \"{text}\" after line {skip}", timeout);
        return found!;
    }

    /// <summary>The first line until now that contains <paramref name="text"/>, or null: for waiting on one of several
    /// outputs at once (<see cref="Wait.ForAsync"/>), where the one that never writes it must not fail the test.</summary>
    public string? FirstLineWith(string text)
    {
        lock (_lines) return _lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
    }

    /// <summary>Waits until the lines match <paramref name="pattern"/>; returns the first match.</summary>
    public async Task<Match> WaitForAsync(Regex pattern, TimeSpan? timeout = null)
    {
        Match match = Match.Empty;
        await WaitForAsync(lines => (match = pattern.Match(lines)).Success, $"/{pattern}/", timeout);
        return match;
    }

    private async Task<string> WaitForAsync(Func<string, bool> holds, string what, TimeSpan? timeout)
    {
        TimeSpan bound = timeout ?? Wait.DefaultTimeout;
        using var deadline = new CancellationTokenSource(bound);
        while (true)
        {
            string lines;
            Task changed;
            string? ended;
            lock (_lines)
            {
                lines = string.Join('\n', _lines);
                changed = _changed.Task;
                ended = _ended;
            }
            if (holds(lines)) return lines;
            if (ended is not null) Assert.Fail($"{source} ended ({ended}) without {what}; it wrote:\n{lines}");
            try { await changed.WaitAsync(deadline.Token); }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{source} did not write {what} within {bound.TotalSeconds} s; it wrote:\n{SoFar}");
            }
        }
    }

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_lines)
        {
            change();
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
