using System.Runtime.InteropServices;
using System.Text;

namespace Websocketfy.Daemon.Files;

/// <summary>The device and inode of a file, as stat(2) reports them in st_dev and st_ino:
/// what tells one open file, or one mounted file system, from another.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>Of an open descriptor (fd 2 = stderr, ...); null when statx fails.</summary>
    public static unsafe FileIdentity? OfDescriptor(int fd)
    {
        byte* empty = stackalloc byte[1];
        empty[0] = 0;
        return Query(fd, empty, Libc.AtEmptyPath);
    }

    /// <summary>Of a path, symlinks followed; null when it cannot be reached.</summary>
    public static unsafe FileIdentity? OfPath(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) return Query(Libc.AtFdCwd, p, 0);
    }

    private static unsafe FileIdentity? Query(int dirFd, byte* path, int flags)
    {
        byte* buffer = stackalloc byte[Libc.StatxBufferSize];
        if (Libc.Statx(dirFd, path, flags, Libc.StatxIno, buffer) != 0) return null;
        var statx = new ReadOnlySpan<byte>(buffer, Libc.StatxBufferSize);
        if ((MemoryMarshal.Read<uint>(statx[Libc.StatxMaskOffset..]) & Libc.StatxIno) == 0) return null;
        uint major = MemoryMarshal.Read<uint>(statx[Libc.StatxDevMajorOffset..]);
        uint minor = MemoryMarshal.Read<uint>(statx[Libc.StatxDevMinorOffset..]);
        return new FileIdentity(MakeDevice(major, minor), MemoryMarshal.Read<ulong>(statx[Libc.StatxInoOffset..]));
    }

    /// <summary>glibc's makedev(3): the st_dev number that stat(2) (and systemd's $JOURNAL_STREAM) shows.</summary>
    public static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000u) << 32) | ((ulong)(major & 0xfffu) << 8)
        | ((ulong)(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}
