using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Files;

/// <summary>The few libc calls the file tree needs that .NET does not expose: realpath(3) to resolve
/// every symlink of a path, open(2) with O_NOFOLLOW|O_NONBLOCK (File.OpenHandle follows links and
/// blocks on a fifo), openat2(2) to let the kernel keep a lookup beneath the root, statx(2) to learn an open handle's type (.NET 10 has no public API for that), and
/// sendfile(2), send(2) with MSG_MORE (which .NET's SocketFlags cannot express), and poll(2) on one descriptor for several events at once. Linux only; statx is used instead of fstat because its struct layout is the same on
/// every architecture, while struct stat is not.</summary>
internal static unsafe partial class Libc
{
    /// <summary>PATH_MAX on Linux, including the terminating NUL; realpath writes at most this much.</summary>
    public const int PathMax = 4096;

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const int AtEAccess = 0x200;

    public const int ROk = 4;
    public const int XOk = 1;

    public const int FGetFl = 3;

    public const int ORdOnly = 0;
    public const int ONoCtty = 0x100;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    /// <summary>O_NOFOLLOW and O_DIRECTORY are two of the few open flags whose values differ between architectures.</summary>
    public static int ONoFollow => OpenFlagOf(x64: 0x20000, arm64: 0x8000);

    public static int ODirectory => OpenFlagOf(x64: 0x10000, arm64: 0x4000);

    private static int OpenFlagOf(int x64, int arm64) => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => x64,
        Architecture.Arm64 => arm64,
        var other => throw new PlatformNotSupportedException($"open(2) flags are not known for {other}"),
    };

    /// <summary>O_PATH: a descriptor that only names a place (for *at calls); nothing is opened for reading,
    /// and only search permission on the way to it is needed.</summary>
    public const int OPath = 0x200000;

    public const uint StatxType = 0x1;
    public const uint StatxMode = 0x2;
    public const uint StatxIno = 0x100;
    public const uint StatxSize = 0x200;

    /// <summary>sizeof(struct statx): fixed by the kernel ABI on every architecture.</summary>
    public const int StatxBufferSize = 256;
    public const int StatxMaskOffset = 0;    // __u32 stx_mask
    public const int StatxModeOffset = 28;   // __u16 stx_mode
    public const int StatxInoOffset = 32;    // __u64 stx_ino
    public const int StatxSizeOffset = 40;   // __u64 stx_size
    public const int StatxDevMajorOffset = 136; // __u32 stx_dev_major (always filled in)
    public const int StatxDevMinorOffset = 140; // __u32 stx_dev_minor

    /// <summary>Largest count Linux moves in one sendfile call.</summary>
    public const long SendFileMaxChunk = 0x7ffff000;

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    public static partial byte* RealPath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>openat2's number, the same on x86-64 and arm64 (syscalls added since Linux 5.1 have one
    /// number on nearly every architecture). glibc has no wrapper for it, so it goes through syscall(2).</summary>
    public const nint SysOpenAt2 = 437;

    /// <summary>struct open_how: three __u64, 24 bytes, the size passed as openat2's last argument.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>No symlink may be followed anywhere on the path (not even a "magic" /proc one).</summary>
    public const ulong ResolveNoSymlinks = 0x04;
    /// <summary>No /proc/PID/fd-style "magic" link may be followed: they can point anywhere.</summary>
    public const ulong ResolveNoMagicLinks = 0x02;
    /// <summary>Every step of the lookup, symlinks followed, must stay below the directory descriptor:
    /// ".." may not climb above it and an absolute symlink is refused outright (EXDEV), even one that
    /// points back inside.</summary>
    public const ulong ResolveBeneath = 0x08;

    /// <summary>openat2(2) through syscall(2). syscall is variadic; a fixed signature of word-sized
    /// arguments is what both x86-64 (glibc's syscall is assembly that just moves registers) and arm64
    /// (variadic arguments go where named ones would) pass correctly. -1 with errno on failure.</summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial nint OpenAt2(nint number, nint dirFd, byte* path, OpenHow* how, nuint size);

    public static int OpenAt2(int dirFd, byte* path, OpenHow* how) =>
        (int)OpenAt2(SysOpenAt2, dirFd, path, how, (nuint)sizeof(OpenHow));

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(SafeHandle fd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "faccessat", SetLastError = true)]
    public static partial int FAccessAt(int dirFd, byte* path, int mode, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlGet(SafeHandle fd, int command);

    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    public static partial nint SendFile(SafeHandle outFd, SafeHandle inFd, long* offset, nuint count);

    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;
    public const int MsgMore = 0x8000;

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(SafeHandle fd, byte* buffer, nuint length, int flags);

    public const short PollIn = 0x1;
    public const short PollPri = 0x2;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
}
