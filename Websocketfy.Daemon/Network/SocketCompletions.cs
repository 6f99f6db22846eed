namespace Websocketfy.Daemon.Network;

/// <summary>
/// Where socket completions run. By default .NET's socket engine thread (the one in epoll_wait) hands every
/// completed read or write to the thread pool, and the continuation runs there: for a relayed query that is
/// four or five hand-offs between threads, each waking a pool worker that then spins before it sleeps again,
/// which measured (bench/PROFILE.md) as most of the daemon's CPU. With inline completions the continuation
/// runs on the engine thread that saw the event, and a query goes from the client's frame to SiREN and back
/// without changing threads.
/// </summary>
/// <remarks>
/// The price is a rule: nothing that blocks may run on a socket continuation, or every connection served by
/// that engine thread waits. What may block (file-system calls, spooling a reply to disk, the start of a TLS
/// handshake) first moves to the thread pool with <see cref="ThreadPoolHop"/>. The runtime reads the switch
/// from the environment once, when the first socket registers with the engine, so it is set at start, before
/// any socket; an operator may still turn it off with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0.
/// What stays on the engine threads and may wait: fstat of an open file (the size checks around sendfile), the TLS
/// handshake's steps after its first read (CPU, ~1 ms per new TLS connection). A log call does not wait for a
/// stalled stderr: the log sink drops and counts what does not fit its buffer (Ops/LogBatchWriter).
/// </remarks>
internal static class SocketCompletions
{
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the environment already decides. Call before any socket exists.</summary>
    public static void RunInlineUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is null)
            Environment.SetEnvironmentVariable(InlineVariable, "1");
    }
}
