using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Files;

/// <summary>The few libc calls the file tree needs that .NET does not expose: realpath(3) to resolve
/// every symlink of a path, open(2) with O_NOFOLLOW|O_NONBLOCK (File.OpenHandle follows links and
/// blocks on a fifo), statx(2) to learn an open handle's type (.NET 10 has no public API for that), and
/// sendfile(2), and poll(2) on one descriptor for several events at once. Linux only; statx is used instead of fstat because its struct layout is the same on
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

    /// <summary>O_NOFOLLOW is one of the few open flags whose value differs between architectures.</summary>
    public static int ONoFollow => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x20000,
        Architecture.Arm64 => 0x8000,
        var other => throw new PlatformNotSupportedException($"open(2) flags are not known for {other}"),
    };

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
