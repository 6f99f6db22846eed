using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Websocketfy.Daemon.Files;

/// <summary>Why a request could not be served. Clients always see "File not found!"; the log sees this.</summary>
public enum FileRefusal
{
    None,
    NotFound,
    Directory,
    NotRegularFile,     // device, fifo, socket
    Unreadable,
    OutsideRoot,        // lexical rule broken, or a symlink leads out of the real root
}

/// <summary>An open regular file under the root, ready to stream. Dispose closes it.</summary>
public sealed class OpenedFile(SafeFileHandle handle, long length) : IDisposable
{
    /// <summary>Opened read-only; read it by offset (RandomAccess, sendfile). No FileStream around it: building
    /// one costs three lseek and an fstat per file, and nothing here reads the file sequentially.</summary>
    public SafeFileHandle Handle { get; } = handle;
    /// <summary>The size when opened (fstat on the open handle, not the path).</summary>
    public long Length { get; } = length;
    public void Dispose() => Handle.Dispose();

    /// <summary>Whether a file being sent no longer has the size it was opened with, asked before its last
    /// piece. A last piece that is also the first is not asked about: the open measured the file just before,
    /// and asking again would only cost an fstat and an lseek per file.</summary>
    public static bool ChangedBeforeLastPiece(SafeFileHandle handle, long lastPieceOffset, long openedLength) =>
        lastPieceOffset > 0 && RandomAccess.GetLength(handle) != openedLength;
}

/// <summary>Safe resolution of request paths under the read-only root (PROTOCOL.md section 1).</summary>
public sealed class FileTree
{
    /// <summary>realpath(3) of the root, exactly as the kernel spelled it, and a NUL (for opening the root
    /// itself); without the NUL (<see cref="RealRootPath"/>) request paths are joined under it, and it is
    /// the containment reference.</summary>
    private readonly byte[] _realRootTerminated;

    private ReadOnlySpan<byte> RealRootPath => _realRootTerminated.AsSpan(0, _realRootTerminated.Length - 1);

    /// <summary>Fixes the real root (every symlink in it resolved). Throws DirectoryNotFoundException /
    /// UnauthorizedAccessException when the root is unusable.</summary>
    public FileTree(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Contains('\0'))
        {
            throw new ArgumentException("The root path contains a NUL character.", nameof(root));
        }
        _ = Libc.ONoFollow; // an unsupported architecture fails here, at startup, not on the first request
        // Not Path.GetFullPath: it folds ".." lexically, which disagrees with the filesystem when a
        // segment before the ".." is a symlink.
        string absolute = Path.IsPathRooted(root) ? root : Path.Join(Directory.GetCurrentDirectory(), root);
        _realRootTerminated = ResolveRoot(root, Encoding.UTF8.GetBytes(absolute));
        RealRoot = Encoding.UTF8.GetString(RealRootPath);
    }

    /// <summary>The root after resolving every symlink, once, here. Files are served from this directory
    /// until the tree is built again (a reload): should the configured root be a symlink that is pointed
    /// elsewhere while running, both ways of opening a file go on resolving under the directory it
    /// pointed to when the tree was built (see Open).</summary>
    public string RealRoot { get; }

    /// <summary>Opens the file named by lexically checked segments (see RequestPath.Check). Never throws
    /// for a bad path: returns null with the refusal cause. Serves only a file whose path, every symlink
    /// resolved, lies inside RealRoot; refuses non-regular files without opening them for reading where
    /// possible (a fifo must not block).</summary>
    public OpenedFile? TryOpen(IReadOnlyList<string> segments, out FileRefusal refusal) =>
        TryOpen(segments, out refusal, out _);

    /// <summary>As <see cref="TryOpen(IReadOnlyList{string}, out FileRefusal)"/>, and on refusal a short
    /// detail for the log (the failing step and errno; never the path, which may carry patient data).</summary>
    public OpenedFile? TryOpen(IReadOnlyList<string> segments, out FileRefusal refusal, out string? detail) =>
        TryOpen(segments, BeneathRoot.Available, out refusal, out detail, out _);

    /// <summary>As the public TryOpen; <paramref name="beneathRootFirst"/> false takes the careful route
    /// only (as on a kernel without openat2), and <paramref name="openedBeneathRoot"/> says which route
    /// opened the file: the tests compare the two.</summary>
    internal OpenedFile? TryOpen(IReadOnlyList<string> segments, bool beneathRootFirst, out FileRefusal refusal, out string? detail,
        out bool openedBeneathRoot)
    {
        openedBeneathRoot = false;
        try
        {
            return Open(segments, beneathRootFirst, out refusal, out detail, out openedBeneathRoot);
        }
        catch (Exception exception)
        {
            refusal = FileRefusal.NotFound;
            detail = $"unexpected {exception.GetType().Name}";
            return null;
        }
    }

    /// <summary>
    /// Two routes to the same answer. First the quick one, <see cref="BeneathRoot"/>: the kernel opens the
    /// relative path below the real root and fails whatever would leave it. It never refuses; anything it
    /// cannot open (a refusal to be, or a case it does not handle, such as an absolute symlink pointing
    /// back inside the root) goes the careful route, which resolves the whole path with realpath(3),
    /// checks it lies inside the real root, looks and then opens. So every refusal, and its log detail,
    /// comes from the careful route alone, and only what it would serve is served quicker.
    ///
    /// Both start from the real root fixed when the tree was built, not from the root as configured: if
    /// that is a symlink pointed elsewhere while running, files keep coming from the directory it pointed
    /// to then, by either route, until a reload builds the tree again (Gateway.Reload re-resolves the root
    /// even when its configured path is unchanged). Joining under the configured root instead would make
    /// the careful route refuse every file as outside the root until then, and the quick route, opening
    /// the real root, disagree with it. A part of the real root's own path that has become a symlink is
    /// refused by both (the quick route does not follow it, the careful one finds the file outside).
    /// </summary>
    // SkipLocalsInit: the two path buffers (8 KiB) need no zeroing per file; each is read only up to the
    // NUL that TryJoinUnderRoot or realpath(3) wrote.
    [SkipLocalsInit]
    private unsafe OpenedFile? Open(IReadOnlyList<string> segments, bool beneathRootFirst, out FileRefusal refusal, out string? detail,
        out bool openedBeneathRoot)
    {
        openedBeneathRoot = false;
        Span<byte> joined = stackalloc byte[Libc.PathMax];
        int rootLength = RealRootPath.Length;
        if (!TryJoinUnderRoot(RealRootPath, segments, joined, out refusal, out detail))
        {
            return null;
        }

        byte* resolved = stackalloc byte[Libc.PathMax];
        fixed (byte* joinedPath = joined)
        {
            // "realRoot/relative\0": with no segment at all the path is the root itself, a directory,
            // which is the careful route's to refuse.
            if (beneathRootFirst && joined[rootLength] == (byte)'/')
            {
                fixed (byte* realRoot = _realRootTerminated)
                {
                    if (BeneathRoot.TryOpen(realRoot, joinedPath + rootLength + 1) is { } opened)
                    {
                        openedBeneathRoot = true;
                        return opened;
                    }
                }
            }

            if (Libc.RealPath(joinedPath, resolved) == null)
            {
                int realpathErrno = Marshal.GetLastPInvokeError();
                return Refuse(realpathErrno, $"realpath: {Errno.Name(realpathErrno)}", out refusal, out detail);
            }
        }

        ReadOnlySpan<byte> realPath = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved);
        if (!RootContainment.IsInside(realPath, RealRootPath))
        {
            refusal = FileRefusal.OutsideRoot;
            detail = "a symlink leads out of the root";
            return null;
        }

        // Look before opening: opening a device can have side effects (a tape rewinds, a tty attaches).
        if (!FileStatus.TryOfPath(resolved, out FileStatus seen, out int errno))
        {
            return Refuse(errno, $"statx: {Errno.Name(errno)}", out refusal, out detail);
        }
        if (seen.Kind != FileKind.Regular)
        {
            return RefuseKind(seen.Kind, out refusal, out detail);
        }

        return OpenResolved(new ReadOnlySpan<byte>(resolved, realPath.Length + 1), out refusal, out detail);
    }

    /// <summary>Opens a resolved path without following a symlink that replaced its last segment since
    /// it was resolved, and without blocking should it have become a fifo; then checks the type and size
    /// of what was actually opened. <paramref name="nulTerminatedPath"/> ends with a NUL byte.</summary>
    internal static unsafe OpenedFile? OpenResolved(ReadOnlySpan<byte> nulTerminatedPath, out FileRefusal refusal, out string? detail)
    {
        if (nulTerminatedPath.IsEmpty || nulTerminatedPath[^1] != 0)
        {
            throw new ArgumentException("The path must end with a NUL byte.", nameof(nulTerminatedPath));
        }

        int fd;
        fixed (byte* path = nulTerminatedPath)
        {
            // O_NONBLOCK only matters for what is not a regular file (a fifo would otherwise wait for a
            // writer); reads of a regular file ignore it, so it is left set.
            fd = Libc.Open(path, Libc.ORdOnly | Libc.ONoFollow | Libc.ONonBlock | Libc.OCloExec | Libc.ONoCtty);
        }
        if (fd < 0)
        {
            int openErrno = Marshal.GetLastPInvokeError();
            return openErrno == Errno.ELOOP
                ? Refuse(openErrno, "open: ELOOP (the last segment became a symlink after it was resolved)", out refusal, out detail)
                : Refuse(openErrno, $"open: {Errno.Name(openErrno)}", out refusal, out detail);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (!FileStatus.TryOf(handle, out FileStatus status, out int errno))
            {
                handle.Dispose();
                return Refuse(errno, $"statx of the open file: {Errno.Name(errno)}", out refusal, out detail);
            }
            if (status.Kind != FileKind.Regular)
            {
                handle.Dispose();
                return RefuseKind(status.Kind, out refusal, out detail);
            }
            refusal = FileRefusal.None;
            detail = null;
            return new OpenedFile(handle, status.Size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Writes "root/seg1/seg2...\0" into <paramref name="destination"/>. Empty segments are
    /// skipped (PROTOCOL.md tolerates "a//b"). A segment that would break the lexical rules (the caller
    /// should have refused it already) is refused here too, as a second line of defence.</summary>
    internal static bool TryJoinUnderRoot(ReadOnlySpan<byte> root, IReadOnlyList<string> segments, Span<byte> destination,
        out FileRefusal refusal, out string? detail)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (!root.TryCopyTo(destination))
        {
            return RefuseTooLong(out refusal, out detail);
        }
        int length = root.Length;
        for (int i = 0; i < segments.Count; i++)
        {
            string segment = segments[i];
            if (string.IsNullOrEmpty(segment))
            {
                continue;
            }
            if (segment[0] == '.' || segment.Contains('/') || segment.Contains('\0'))
            {
                refusal = FileRefusal.OutsideRoot;
                detail = "a segment breaks the lexical rules";
                return false;
            }
            if (length >= destination.Length)
            {
                return RefuseTooLong(out refusal, out detail);
            }
            destination[length++] = (byte)'/';
            if (!Encoding.UTF8.TryGetBytes(segment, destination[length..], out int written))
            {
                return RefuseTooLong(out refusal, out detail);
            }
            length += written;
        }
        if (length >= destination.Length)
        {
            return RefuseTooLong(out refusal, out detail);
        }
        destination[length] = 0;
        refusal = FileRefusal.None;
        detail = null;
        return true;
    }

    /// <summary>The refusal for a failed realpath/statx/open. Permission problems are "unreadable";
    /// ENXIO is what open(2) says for a unix socket or a device without a driver.</summary>
    internal static FileRefusal RefusalFor(int errno) => errno switch
    {
        Errno.EACCES or Errno.EPERM => FileRefusal.Unreadable,
        Errno.ENXIO => FileRefusal.NotRegularFile,
        _ => FileRefusal.NotFound,
    };

    private static OpenedFile? Refuse(int errno, string why, out FileRefusal refusal, out string? detail)
    {
        refusal = RefusalFor(errno);
        detail = why;
        return null;
    }

    private static OpenedFile? RefuseKind(FileKind kind, out FileRefusal refusal, out string? detail)
    {
        refusal = kind == FileKind.Directory ? FileRefusal.Directory : FileRefusal.NotRegularFile;
        detail = kind == FileKind.Directory ? "a directory" : "not a regular file";
        return null;
    }

    private static bool RefuseTooLong(out FileRefusal refusal, out string? detail)
    {
        refusal = FileRefusal.NotFound;
        detail = $"path longer than {Libc.PathMax - 1} bytes";
        return false;
    }

    private static unsafe byte[] ResolveRoot(string root, byte[] givenRoot)
    {
        byte[] path = new byte[givenRoot.Length + 1];
        givenRoot.CopyTo(path, 0);
        byte* resolved = stackalloc byte[Libc.PathMax];
        fixed (byte* rootPath = path)
        {
            if (Libc.RealPath(rootPath, resolved) == null)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EACCES)
                {
                    throw new UnauthorizedAccessException($"The root directory '{root}' cannot be reached: permission denied (EACCES).");
                }
                throw new DirectoryNotFoundException($"The root directory '{root}' does not exist ({Errno.Name(errno)}).");
            }
        }

        if (!FileStatus.TryOfPath(resolved, out FileStatus status, out int statErrno))
        {
            throw new DirectoryNotFoundException($"The root directory '{root}' cannot be examined ({Errno.Name(statErrno)}).");
        }
        if (status.Kind != FileKind.Directory)
        {
            throw new DirectoryNotFoundException($"The root '{root}' is not a directory.");
        }
        // Reading needs search (x) permission on the root; listing it (r) is part of "readable" too.
        if (Libc.FAccessAt(Libc.AtFdCwd, resolved, Libc.ROk | Libc.XOk, Libc.AtEAccess) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UnauthorizedAccessException($"The root directory '{root}' is not readable by this process ({Errno.Name(errno)}).");
        }
        // With its NUL: the root is opened by this path too (BeneathRoot).
        return [.. MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved), 0];
    }
}
