using System.Globalization;

namespace Websocketfy.Load.Workloads;

/// <summary>The files W3 and W4 fetch: one big file and many small ones, incompressible bytes.</summary>
internal static class TreeMaker
{
    public const string BigFileName = "big.bin";
    public const string SmallDirectory = "small";

    public static string SmallFileName(string dir, int index) => $"{dir}/{index.ToString("D5", CultureInfo.InvariantCulture)}.bin";

    public static int Run(Options options)
    {
        string root = options.Text("root");
        int bigMib = options.Int("big-mib", 256);
        int smallCount = options.Int("small-files", 2000);
        int smallKib = options.Int("small-kib", 64);
        options.CheckAllRead();

        Directory.CreateDirectory(Path.Combine(root, SmallDirectory));
        var random = new Random(8);
        var block = new byte[1024 * 1024];
        string big = Path.Combine(root, BigFileName);
        if (!File.Exists(big) || new FileInfo(big).Length != (long)bigMib * block.Length)
        {
            using var stream = new FileStream(big, FileMode.Create, FileAccess.Write);
            for (int i = 0; i < bigMib; i++)
            {
                random.NextBytes(block);
                stream.Write(block);
            }
        }
        var small = new byte[smallKib * 1024];
        for (int i = 0; i < smallCount; i++)
        {
            string path = Path.Combine(root, SmallFileName(SmallDirectory, i));
            if (File.Exists(path) && new FileInfo(path).Length == small.Length) continue;
            random.NextBytes(small);
            File.WriteAllBytes(path, small);
        }
        Console.Error.WriteLine($"tree ready under {root}: {BigFileName} ({bigMib} MiB), {smallCount} x {smallKib} KiB in {SmallDirectory}/");
        return 0;
    }
}
