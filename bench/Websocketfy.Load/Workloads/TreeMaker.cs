using System.Globalization;

namespace Websocketfy.Load.Workloads;

/// <summary>The files W3 and W4 fetch: one big file and many small ones, incompressible bytes.</summary>
internal static class TreeMaker
{
    public const string BigFileName = "big.bin";
    public const string SmallDirectory = "small";

    /// <summary>The files of the websocketfy.v2 workloads (V2F, V2Q): a few large ones, fetched at once.</summary>
    public const string ConcurrentDirectory = "concurrent";

    public static string SmallFileName(string dir, int index) => $"{dir}/{index.ToString("D5", CultureInfo.InvariantCulture)}.bin";

    public static int Run(Options options)
    {
        string root = options.Text("root");
        int bigMib = options.Int("big-mib", 256);
        int smallCount = options.Int("small-files", 2000);
        int smallKib = options.Int("small-kib", 64);
        int concurrentCount = options.Int("v2-files", 0);
        int concurrentMib = options.Int("v2-mib", 64);
        options.CheckAllRead();

        Directory.CreateDirectory(Path.Combine(root, SmallDirectory));
        var random = new Random(8);
        var block = new byte[1024 * 1024];
        string big = Path.Combine(root, BigFileName);
        WriteLarge(big, bigMib, random, block);
        if (concurrentCount > 0) Directory.CreateDirectory(Path.Combine(root, ConcurrentDirectory));
        for (int i = 0; i < concurrentCount; i++)
            WriteLarge(Path.Combine(root, SmallFileName(ConcurrentDirectory, i)), concurrentMib, random, block);
        var small = new byte[smallKib * 1024];
        for (int i = 0; i < smallCount; i++)
        {
            string path = Path.Combine(root, SmallFileName(SmallDirectory, i));
            if (File.Exists(path) && new FileInfo(path).Length == small.Length) continue;
            random.NextBytes(small);
            File.WriteAllBytes(path, small);
        }
        Console.Error.WriteLine($"tree ready under {root}: {BigFileName} ({bigMib} MiB), {smallCount} x {smallKib} KiB in {SmallDirectory}/" +
                                (concurrentCount > 0 ? $", {concurrentCount} x {concurrentMib} MiB in {ConcurrentDirectory}/" : ""));
        return 0;
    }

    /// <summary>A file of <paramref name="mib"/> MiB of random bytes, unless it is there already; 0 writes none.</summary>
    private static void WriteLarge(string path, int mib, Random random, byte[] block)
    {
        if (mib == 0 || File.Exists(path) && new FileInfo(path).Length == (long)mib * block.Length) return;
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (int i = 0; i < mib; i++)
        {
            random.NextBytes(block);
            stream.Write(block);
        }
    }
}
