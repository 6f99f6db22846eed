using System.Diagnostics;

namespace Websocketfy.Tests.Daemon.Files;

/// <summary>A throw-away directory tree under the system temp directory, removed on Dispose.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Base = Path.Combine(Path.GetTempPath(), "wsfy-files-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Base);
    }

    /// <summary>The top of the temporary tree (tests usually put the served root below it, so that
    /// "outside the root" has somewhere to be).</summary>
    public string Base { get; }

    public string PathOf(string relative) => Path.Combine(Base, relative);

    public string Dir(string relative) => Directory.CreateDirectory(PathOf(relative)).FullName;

    public string File(string relative, byte[] content)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public string File(string relative, string content) => File(relative, System.Text.Encoding.UTF8.GetBytes(content));

    public string Link(string relative, string target)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return path;
    }

    public string Fifo(string relative)
    {
        string path = PathOf(relative);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo failed");
        return path;
    }

    public void Dispose()
    {
        RestoreAccess(Base);
        Directory.Delete(Base, recursive: true);
    }

    /// <summary>A test may have taken permissions away; give them back, top down, so the tree can be
    /// listed and removed. Symlinked directories are not followed.</summary>
    private static void RestoreAccess(string dir)
    {
        System.IO.File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (string child in Directory.EnumerateDirectories(dir))
        {
            if (!new DirectoryInfo(child).Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                RestoreAccess(child);
            }
        }
    }
}
