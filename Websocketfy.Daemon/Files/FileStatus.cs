using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Files;

internal enum FileKind
{
    Regular,
    Directory,
    /// <summary>fifo, socket, character or block device, or (for a no-follow lookup) a symlink.</summary>
    Other,
}

/// <summary>What statx(2) says about a file: its type and size.</summary>
internal readonly record struct FileStatus(FileKind Kind, long Size)
{
    private const int TypeMask = 0xF000;   // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG
    private const int DirectoryType = 0x4000; // S_IFDIR

    /// <summary>Status of an open handle (statx with AT_EMPTY_PATH): it describes the very file that
    /// was opened, whatever happened to its path since.</summary>
    public static unsafe bool TryOf(SafeHandle handle, out FileStatus status, out int errno)
    {
        byte* empty = stackalloc byte[1];
        empty[0] = 0;
        byte* buffer = stackalloc byte[Libc.StatxBufferSize];
        int rc = Libc.Statx(handle, empty, Libc.AtEmptyPath, Libc.StatxType | Libc.StatxMode | Libc.StatxSize, buffer);
        return Finish(rc, new ReadOnlySpan<byte>(buffer, Libc.StatxBufferSize), out status, out errno);
    }

    /// <summary>Status of the path itself (a symlink is reported as Other, not followed).</summary>
    public static unsafe bool TryOfPath(byte* nulTerminatedPath, out FileStatus status, out int errno) =>
        TryAt(Libc.AtFdCwd, nulTerminatedPath, Libc.AtSymlinkNoFollow, out status, out errno);

    /// <summary>Status of what a path relative to <paramref name="dirFd"/> leads to, symlinks followed
    /// (wherever they lead: this only looks, it opens nothing).</summary>
    public static unsafe bool TryOfPathFollowed(int dirFd, byte* nulTerminatedPath, out FileStatus status, out int errno) =>
        TryAt(dirFd, nulTerminatedPath, 0, out status, out errno);

    private static unsafe bool TryAt(int dirFd, byte* nulTerminatedPath, int flags, out FileStatus status, out int errno)
    {
        byte* buffer = stackalloc byte[Libc.StatxBufferSize];
        int rc = Libc.Statx(dirFd, nulTerminatedPath, flags, Libc.StatxType | Libc.StatxMode | Libc.StatxSize, buffer);
        return Finish(rc, new ReadOnlySpan<byte>(buffer, Libc.StatxBufferSize), out status, out errno);
    }

    private static bool Finish(int rc, ReadOnlySpan<byte> buffer, out FileStatus status, out int errno)
    {
        if (rc != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            status = default;
            return false;
        }
        errno = 0;
        return TryParse(buffer, out status);
    }

    /// <summary>Reads a struct statx. False when the kernel did not fill in the type or the size
    /// (a filesystem may leave fields out; guessing them would be unsafe).</summary>
    internal static bool TryParse(ReadOnlySpan<byte> statx, out FileStatus status)
    {
        // The kernel fills the struct in native byte order.
        uint filled = MemoryMarshal.Read<uint>(statx[Libc.StatxMaskOffset..]);
        const uint needed = Libc.StatxType | Libc.StatxSize;
        if ((filled & needed) != needed)
        {
            status = default;
            return false;
        }
        int mode = MemoryMarshal.Read<ushort>(statx[Libc.StatxModeOffset..]);
        long size = (long)MemoryMarshal.Read<ulong>(statx[Libc.StatxSizeOffset..]);
        FileKind kind = (mode & TypeMask) switch
        {
            RegularType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Other,
        };
        status = new FileStatus(kind, size);
        return true;
    }
}
