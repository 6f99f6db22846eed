using System.Runtime.CompilerServices;

namespace Websocketfy.Daemon.Network;

/// <summary>
/// <c>await new ThreadPoolHop()</c> moves the rest of an async method to a thread-pool thread, unless it
/// already runs on one. Used before work that may block (see <see cref="SocketCompletions"/>): on a socket
/// engine thread it would hold up every other connection that thread serves.
/// </summary>
internal readonly struct ThreadPoolHop : ICriticalNotifyCompletion
{
    public ThreadPoolHop GetAwaiter() => this;

    public bool IsCompleted => Thread.CurrentThread.IsThreadPoolThread;

    public void GetResult() { }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static run => run(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static run => run(), continuation, preferLocal: false);
}
