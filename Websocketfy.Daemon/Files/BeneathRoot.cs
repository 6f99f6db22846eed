using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Websocketfy.Daemon.Files;

/// <summary>
/// The quick way to open a requested file, tried first by <see cref="FileTree"/>: open the real root,
/// look at the file below it (statx), and let the kernel open it with openat2(2) and RESOLVE_BENEATH,
/// which follows symlinks but fails any lookup that would leave the root. That is five syscalls, where
/// the careful route spends a readlink per path component in realpath(3) and then two more lookups of
/// the whole resolved path.
///
/// It never refuses anything: whatever it cannot open (a missing file, a directory, a device, a symlink
/// leading out, an absolute symlink even when it points back inside, a permission problem, a kernel
/// without openat2) it hands back as null, and FileTree's careful route decides, with the refusal and
/// log detail it has always given. What it does open, the careful route would have opened too.
/// </summary>
internal static class BeneathRoot
{
    /// <summary>Whether openat2 can be called here, asked once: with a struct size below the smallest
    /// the kernel knows, which it answers EINVAL before looking at anything else. A kernel older than
    /// 5.6 answers ENOSYS, a seccomp filter (systemd's SystemCallFilter=, a container's profile) EPERM or
    /// ENOSYS; then every file takes the careful route, without a failed attempt each. Asking once, rather
    /// than switching off on an error of a real call, also keeps an EPERM about one file (an fanotify
    /// access check, a sealed file) from switching it off for all.</summary>
    public static bool Available { get; } = Probe();

    /// <summary>The root is opened per request, not held for the tree's lifetime: a held descriptor would
    /// pin the mount (umount of an NFS root would fail with EBUSY, and a lazily unmounted one would go on
    /// being served while /healthz says it is gone). O_PATH needs only search permission.</summary>
    private static readonly ulong RootFlags = (ulong)(Libc.OPath | Libc.ODirectory | Libc.OCloExec);

    /// <summary>As the careful route opens (O_NONBLOCK: a fifo swapped in after the look must not wait
    /// for a writer), but without O_NOFOLLOW: symlinks below the root are followed here, by the kernel.</summary>
    private static readonly ulong FileFlags = (ulong)(Libc.ORdOnly | Libc.ONonBlock | Libc.OCloExec | Libc.ONoCtty);

    /// <summary>Opens <paramref name="relative"/> (NUL-terminated, not empty, no leading '/') below the
    /// directory <paramref name="realRoot"/> (realpath(3) output, NUL-terminated), or returns null for the
    /// careful route to decide.</summary>
    public static unsafe OpenedFile? TryOpen(byte* realRoot, byte* relative)
    {
        // RESOLVE_NO_SYMLINKS: the real root had no symlink on its path when it was resolved. If a part
        // of it has become one since, the careful route finds the file outside the real root and refuses
        // it; following the link here would serve it.
        Libc.OpenHow rootHow = new() { Flags = RootFlags, Resolve = Libc.ResolveNoSymlinks };
        int rootFd = Libc.OpenAt2(Libc.AtFdCwd, realRoot, &rootHow);
        if (rootFd < 0)
        {
            return null;
        }

        int fd;
        try
        {
            // Look before opening, as the careful route does: opening a device can have side effects
            // (a tape rewinds, a tty attaches). This statx follows symlinks wherever they lead, but only
            // looks; a link leading out fails the openat2 below.
            if (!FileStatus.TryOfPathFollowed(rootFd, relative, out FileStatus seen, out _) || seen.Kind != FileKind.Regular)
            {
                return null;
            }
            Libc.OpenHow fileHow = new() { Flags = FileFlags, Resolve = Libc.ResolveBeneath | Libc.ResolveNoMagicLinks };
            fd = Libc.OpenAt2(rootFd, relative, &fileHow);
        }
        finally
        {
            Libc.Close(rootFd);
        }
        if (fd < 0)
        {
            return null;
        }

        // What was opened may no longer be what was looked at (replaced in between): check the descriptor.
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (FileStatus.TryOf(handle, out FileStatus status, out _) && status.Kind == FileKind.Regular)
        {
            return new OpenedFile(handle, status.Size);
        }
        handle.Dispose();
        return null;
    }

    private static unsafe bool Probe()
    {
        nint rc = Libc.OpenAt2(Libc.SysOpenAt2, Libc.AtFdCwd, null, null, 0);
        return rc == -1 && Marshal.GetLastPInvokeError() == Errno.EINVAL;
    }
}
