using System.Diagnostics;

namespace Websocketfy.Tests.Support;

/// <summary>
/// Waiting for something the daemon does on its own time (a counter, a session count, a file appearing):
/// polls a condition until it holds, bounded generously so that a busy machine cannot fail a correct daemon,
/// and returns as soon as it holds. Tests wait for events this way, never for an amount of time.
/// </summary>
public static class Wait
{
    /// <summary>The bound when the caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True as soon as <paramref name="condition"/> holds; false when it still does not after
    /// <paramref name="timeout"/> (it is checked once more at the end).</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan bound = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (clock.Elapsed > bound) return condition();
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>As <see cref="UntilAsync(Func{bool}, TimeSpan?)"/>, for a condition that has to ask (an HTTP probe, say).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan bound = timeout ?? DefaultTimeout;
        while (!await condition())
        {
            if (clock.Elapsed > bound) return await condition();
            await Task.Delay(20);
        }
        return true;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test, saying what never happened
    /// (<paramref name="what"/>), when it still does not after the bound.</summary>
    public static async Task ForAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        if (!await UntilAsync(condition, timeout)) Assert.Fail($"waited {(timeout ?? DefaultTimeout).TotalSeconds} s in vain for {what}");
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="holds"/> is true of its value or the timeout
    /// passes; returns the last value read (for the assertion that follows, and its message).</summary>
    public static async Task<T> ForValueAsync<T>(Func<T> read, Func<T, bool> holds, TimeSpan? timeout = null)
    {
        T value = read();
        await UntilAsync(() => holds(value = read()), timeout);
        return value;
    }

    /// <summary>As <see cref="ForValueAsync{T}(Func{T}, Func{T, bool}, TimeSpan?)"/>, for a value that has to be
    /// asked for (an HTTP answer, say).</summary>
    public static async Task<T> ForValueAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan? timeout = null)
    {
        T value = await read();
        await UntilAsync(async () => holds(value = await read()), timeout);
        return value;
    }
}
