namespace Websocketfy.Daemon.Files;

/// <summary>The errno values the file tree acts on (identical on x64 and arm64 Linux), and short names
/// for log lines. Log details name the errno, never the path: paths may carry patient data.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;
    public const int ECONNRESET = 104;
    public const int ENOTCONN = 107;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EINTR => "EINTR",
        EIO => "EIO",
        ENXIO => "ENXIO",
        EAGAIN => "EAGAIN",
        EACCES => "EACCES",
        ENOTDIR => "ENOTDIR",
        EINVAL => "EINVAL",
        EPIPE => "EPIPE",
        ENAMETOOLONG => "ENAMETOOLONG",
        ELOOP => "ELOOP",
        ECONNRESET => "ECONNRESET",
        ENOTCONN => "ENOTCONN",
        _ => $"errno {errno}",
    };
}
