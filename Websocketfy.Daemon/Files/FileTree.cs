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
public sealed class OpenedFile(FileStream stream, long length) : IDisposable
{
    /// <summary>Opened read-only, unbuffered (bufferSize 0), positioned at 0.</summary>
    public FileStream Stream { get; } = stream;
    /// <summary>The size when opened (fstat on the open handle, not the path).</summary>
    public long Length { get; } = length;
    public void Dispose() => Stream.Dispose();
}

/// <summary>Safe resolution of request paths under the read-only root (PROTOCOL.md section 1).</summary>
public sealed class FileTree
{
    /// <summary>Fixes the real root (every symlink in it resolved). Throws DirectoryNotFoundException /
    /// UnauthorizedAccessException when the root is unusable.</summary>
    public FileTree(string root) => throw new NotImplementedException();

    /// <summary>The root after resolving every symlink.</summary>
    public string RealRoot => throw new NotImplementedException();

    /// <summary>Opens the file named by lexically checked segments (see RequestPath.Check). Never throws
    /// for a bad path: returns null with the refusal cause. Resolves every symlink of the path with
    /// realpath(3) and refuses a real path that is not inside RealRoot (separator-aware prefix check);
    /// refuses non-regular files without opening them for reading where possible (a fifo must not block).</summary>
    public OpenedFile? TryOpen(IReadOnlyList<string> segments, out FileRefusal refusal) => throw new NotImplementedException();
}
