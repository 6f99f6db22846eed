namespace Websocketfy.Daemon.Configuration;

/// <summary>Checks, before the daemon listens, that the directories it will need can be used, so a wrong
/// path fails at startup with one clear line instead of on the first client request.</summary>
internal static class DirectoryChecks
{
    /// <summary>The file root must exist, be a directory, and allow listing (read) and reaching entries
    /// (search/execute). Returns the problem, or null when it is usable.</summary>
    public static string? ProblemWithRoot(string root)
    {
        string shown = Describe(root);
        if (File.Exists(root))
            return $"root {shown} is not a directory";
        if (!Directory.Exists(root))
            return $"root {shown} does not exist";
        try
        {
            // Listing needs read permission on the directory...
            using IEnumerator<string> entries = Directory.EnumerateFileSystemEntries(root).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            return $"root {shown} cannot be read ({Reason(exception)})";
        }
        // ...and reaching anything inside it needs search (execute) permission, which listing does not
        // test. Opening a name that cannot exist there tells them apart: "not found" means the lookup
        // ran, "access denied" means it was not allowed. (.NET folds "root/." back to "root", so a
        // stat of that would only test the parent.)
        if (!CanLookUpNamesIn(root))
            return $"root {shown} cannot be searched (permission denied to enter it)";
        return null;
    }

    private static bool CanLookUpNamesIn(string directory)
    {
        string absent = Path.Combine(directory, $".websocketfy-probe-{Guid.NewGuid():N}");
        try
        {
            using var stream = new FileStream(absent, FileMode.Open, FileAccess.Read);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The spool directory must exist and accept a new file. Returns the problem, or null.</summary>
    public static string? ProblemWithSpoolDirectory(string directory)
    {
        string shown = Describe(directory);
        if (!Directory.Exists(directory))
            return $"spool directory {shown} does not exist or is not a directory";
        try
        {
            string probe = Path.Combine(directory, $".websocketfy-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            return $"spool directory {shown} is not writable ({Reason(exception)})";
        }
        return null;
    }

    /// <summary>The path as given, plus where it leads when it is relative: "'./fs' (/opt/websocketfy/fs)".</summary>
    private static string Describe(string path)
    {
        string full = Path.GetFullPath(path);
        return full == path ? $"'{path}'" : $"'{path}' ({full})";
    }

    private static string Reason(Exception exception) =>
        exception is UnauthorizedAccessException ? "permission denied" : exception.Message;
}
