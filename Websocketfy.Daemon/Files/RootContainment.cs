namespace Websocketfy.Daemon.Files;

/// <summary>Whether a fully resolved path lies inside a fully resolved root.</summary>
internal static class RootContainment
{
    /// <summary>True when <paramref name="realPath"/> is the root itself or lies below it. The prefix must
    /// end at a '/': "/pacs-private" starts with "/pacs" but is not inside it. Both paths are
    /// realpath(3) output (absolute, no "." or ".." segments, no trailing '/' except the root "/").</summary>
    public static bool IsInside(ReadOnlySpan<byte> realPath, ReadOnlySpan<byte> realRoot)
    {
        if (realRoot.IsEmpty || !realPath.StartsWith(realRoot))
        {
            return false;
        }
        if (realPath.Length == realRoot.Length)
        {
            return true;
        }
        // realRoot "/" already ends with the separator; any other root needs one right after it.
        return realRoot[^1] == (byte)'/' || realPath[realRoot.Length] == (byte)'/';
    }
}
