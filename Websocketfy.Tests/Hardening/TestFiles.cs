using System.Security.Cryptography;

namespace Websocketfy.Tests.Hardening;

/// <summary>Large files for transfer tests, made quickly.</summary>
internal static class TestFiles
{
    public const long MiB = 1024 * 1024;

    /// <summary>A file of <paramref name="length"/> zero bytes that takes no disk space (a hole).</summary>
    public static string Sparse(string path, long length)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.SetLength(length);
        return path;
    }

    /// <summary>A file of seeded pseudo-random bytes (so a shifted or repeated block is caught); returns its SHA-256.</summary>
    public static byte[] Patterned(string path, long length, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var block = new byte[MiB];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        for (long written = 0; written < length; written += block.Length)
        {
            int n = (int)Math.Min(block.Length, length - written);
            random.NextBytes(block.AsSpan(0, n));
            file.Write(block, 0, n);
            hash.AppendData(block, 0, n);
        }
        return hash.GetHashAndReset();
    }
}
