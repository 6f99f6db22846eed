using System.Diagnostics;
using Websocketfy.Load.Native;

namespace Websocketfy.Load.Drivers;

/// <summary>What a run of many connections did.</summary>
internal sealed record EpollResult(long ElapsedTicks, long[] Latencies, long PayloadBytes);

/// <summary>
/// Many connections per thread: each thread owns an epoll set and a share of the connections
/// (non-blocking), keeps one request in flight on each, and sends the next the moment a reply
/// completes. One recv per readiness event into a buffer allocated once; nothing is allocated
/// per request.
/// </summary>
internal static class EpollDriver
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    public static EpollResult Run(IReadOnlyList<EpollJob> jobs, int threads)
    {
        threads = Math.Clamp(threads, 1, jobs.Count);
        foreach (var job in jobs)
        {
            if (!job.Connection.TakePending().IsEmpty) throw new IOException("unexpected bytes before the first request");
            job.Connection.MakeNonBlocking();
            job.Completed = 0;
        }
        var shares = Enumerable.Range(0, threads).Select(t => jobs.Where((_, i) => i % threads == t).ToArray()).ToArray();
        var latencies = shares.Select(share => new long[share.Sum(j => j.Operations)]).ToArray();
        var payload = new long[threads];
        var failures = new Exception?[threads];
        using var abort = new CancellationTokenSource();
        var workers = new Thread[threads];
        long start = Stopwatch.GetTimestamp();
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                try { payload[index] = Drive(shares[index], latencies[index], abort.Token); }
                catch (Exception ex)
                {
                    failures[index] = ex;
                    abort.Cancel();
                }
            }) { IsBackground = true, Name = $"load-{t}" };
            workers[t].Start();
        }
        foreach (var worker in workers) worker.Join();
        long elapsed = Stopwatch.GetTimestamp() - start;
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            throw new IOException($"load thread failed: {failure.Message}", failure);
        return new EpollResult(elapsed, latencies.SelectMany(l => l).ToArray(), payload.Sum());
    }

    private static long Drive(EpollJob[] jobs, long[] latencies, CancellationToken abort)
    {
        int epoll = Libc.EpollCreate(0);
        if (epoll < 0) throw new IOException("epoll_create1 failed");
        try
        {
            var buffer = new byte[256 * 1024];
            var events = new Libc.EpollEvent[Math.Min(jobs.Length, 1024)];
            int recorded = 0, active = 0;
            long payload = 0;
            for (int i = 0; i < jobs.Length; i++)
            {
                Libc.EpollCtl(epoll, Libc.EPOLL_CTL_ADD, jobs[i].Connection.Fd, Libc.EPOLLIN, (ulong)i);
                if (jobs[i].Operations == 0) continue;
                active++;
                SendNext(jobs[i]);
            }
            long lastProgress = Stopwatch.GetTimestamp();

            void Completed(EpollJob job)
            {
                latencies[recorded++] = Stopwatch.GetTimestamp() - job.StartedAt;
                payload += job.Reader.PayloadBytes;
                if (++job.Completed < job.Operations) SendNext(job);
                else active--;
            }

            while (active > 0)
            {
                if (abort.IsCancellationRequested) return payload;
                int ready = Libc.EpollWait(epoll, events, 1000);
                if (ready == 0)
                {
                    if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit)
                        throw new IOException($"no reply for {StallLimit.TotalSeconds} s ({active} connections waiting)");
                    continue;
                }
                lastProgress = Stopwatch.GetTimestamp();
                for (int e = 0; e < ready; e++)
                {
                    var job = jobs[(int)events[e].Data];
                    if (job.Completed == job.Operations) throw new IOException("bytes after the last reply");
                    if (job.Reader.Skippable >= BlockingDriver.SkipThreshold)
                    {
                        long dropped = Libc.Discard(job.Connection.Fd, job.Reader.Skippable);
                        if (dropped == -Libc.EAGAIN) continue;
                        if (dropped <= 0) throw new IOException(dropped == 0 ? "the server closed a connection" : $"recv failed: errno {-dropped}");
                        if (!job.Reader.Skip(dropped)) continue;
                        Completed(job);
                        continue;
                    }
                    if (job.QuickAck) Libc.ArmQuickAck(job.Connection.Fd);
                    int n = Libc.Receive(job.Connection.Fd, buffer);
                    if (n == -Libc.EAGAIN) continue;
                    if (n < 0) throw new IOException($"recv failed: errno {-n}");
                    if (n == 0) throw new IOException("the server closed a connection");
                    int used = job.Reader.Feed(buffer.AsSpan(0, n), out bool complete);
                    if (!complete) continue;
                    if (used != n) throw new IOException("bytes after a reply (the server answered something not asked)");
                    Completed(job);
                }
            }
            return payload;
        }
        finally
        {
            Libc.Close(epoll);
        }
    }

    private static void SendNext(EpollJob job)
    {
        job.Reader.Reset();
        ReadOnlySpan<byte> request = job.Requests[job.Completed % job.Requests.Length];
        job.StartedAt = Stopwatch.GetTimestamp();
        while (!request.IsEmpty)
        {
            int n = Libc.Send(job.Connection.Fd, request);
            if (n == -Libc.EAGAIN)
            {
                // Requests are tens of bytes and the previous reply was read: the send buffer is
                // practically never full. Should it be, wait for room rather than complicate the loop.
                Thread.Yield();
                continue;
            }
            if (n < 0) throw new IOException($"send failed: errno {-n}");
            request = request[n..];
        }
    }
}
