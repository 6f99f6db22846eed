using System.Diagnostics;
using System.Text;

namespace Websocketfy.Tests.Support;

/// <summary>
/// A real throw-away directory tree under the system temp directory, removed with everything in it on
/// Dispose: served roots, config files, scratch space. Tests often put the served root one level below
/// <see cref="Root"/>, so that "outside the root" has somewhere to be.
/// </summary>
public sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "websocketfy-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The top of the tree.</summary>
    public string Root { get; }

    /// <summary>The full path of <paramref name="relative"/>, without creating anything.</summary>
    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Creates a directory (and its parents); returns its full path.</summary>
    public string Dir(string relative) => Directory.CreateDirectory(PathOf(relative)).FullName;

    /// <summary>Writes a file (creating its directories); returns its full path.</summary>
    public string Write(string relative, byte[] content)
    {
        string path = ParentMade(relative);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes a file of UTF-8 text (creating its directories); returns its full path.</summary>
    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    /// <summary>Creates a symbolic link to <paramref name="target"/> (which may not exist); returns its full path.</summary>
    public string Link(string relative, string target)
    {
        string path = ParentMade(relative);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>Creates a named pipe; returns its full path.</summary>
    public string Fifo(string relative)
    {
        string path = ParentMade(relative);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo failed");
        return path;
    }

    private string ParentMade(string relative)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows()) RestoreAccess(Root);
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A daemon child may still be closing a file in it; the temp directory is the system's to clean.
        }
    }

    /// <summary>A test may have taken permissions away; give them back, top down, so the tree can be
    /// listed and removed. Symlinked directories are not followed.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void RestoreAccess(string dir)
    {
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string child in Directory.EnumerateDirectories(dir))
        {
            if (!new DirectoryInfo(child).Attributes.HasFlag(FileAttributes.ReparsePoint)) RestoreAccess(child);
        }
    }
}
