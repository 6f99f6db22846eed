using System.Runtime.InteropServices;

namespace Websocketfy.Load.Native;

/// <summary>
/// The few libc calls the hot paths use directly: send/recv on the raw descriptor (no Socket
/// bookkeeping per call), epoll, and TCP_QUICKACK. Linux x86-64/arm64 only, like the daemon.
/// </summary>
internal static unsafe partial class Libc
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_TRUNC = 0x20;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    private const int SOL_SOCKET = 1;
    private const int SO_RCVLOWAT = 18;
    private const int IPPROTO_TCP = 6;
    private const int TCP_QUICKACK = 12;
    private const int SC_CLK_TCK = 2;

    /// <summary>struct epoll_event is packed on x86-64: 4 bytes of events, then 8 bytes of data.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendRaw(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint RecvRaw(int fd, byte* buffer, nuint length, int flags);

    /// <summary>Drops up to <paramref name="count"/> received bytes without copying them (TCP honours
    /// MSG_TRUNC so). Bytes dropped, 0 at end of stream, or -errno.</summary>
    public static long Discard(int fd, long count)
    {
        while (true)
        {
            nint n = RecvRaw(fd, null, (nuint)Math.Min(count, 1L << 30), MSG_TRUNC);
            if (n >= 0) return n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtlRaw(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWaitRaw(int epfd, EpollEvent* events, int max, int timeout);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    /// <summary>Clock ticks per second of /proc/PID/stat's time fields.</summary>
    public static long ClockTicksPerSecond => SysConf(SC_CLK_TCK);

    /// <summary>Bytes written, or -errno.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> data)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = data) n = SendRaw(fd, p, (nuint)data.Length, MSG_NOSIGNAL);
            if (n >= 0) return (int)n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>Bytes read (0 = the peer closed), or -errno.</summary>
    public static int Receive(int fd, Span<byte> buffer)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = RecvRaw(fd, p, (nuint)buffer.Length, 0);
            if (n >= 0) return (int)n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return -errno;
        }
    }

    /// <summary>Asks the kernel to acknowledge the next segment at once. SiREN writes a reply's body and
    /// its prompt separately with Nagle on, so a reader that lets its ACK be delayed waits ~40 ms.
    /// The setting does not stick: it is re-armed before every read, as the daemon does.</summary>
    public static void ArmQuickAck(int fd)
    {
        int on = 1;
        SetSockOpt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(int));
    }

    /// <summary>A blocking read returns only once this many bytes (or all that was asked for) are there:
    /// fewer wake-ups while a large body streams in.</summary>
    public static void SetReceiveLowWater(int fd, int bytes) => SetSockOpt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof(int));

    public static void EpollCtl(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = new EpollEvent { Events = events, Data = data };
        if (EpollCtlRaw(epfd, op, fd, &ev) != 0)
            throw new IOException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static int EpollWait(int epfd, Span<EpollEvent> events, int timeoutMs)
    {
        while (true)
        {
            int n;
            fixed (EpollEvent* p = events) n = EpollWaitRaw(epfd, p, events.Length, timeoutMs);
            if (n >= 0) return n;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new IOException($"epoll_wait failed: errno {errno}");
        }
    }
}
