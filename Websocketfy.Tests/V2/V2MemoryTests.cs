using System.Globalization;
using System.Security.Cryptography;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>
/// Shown, not claimed: memory per v2 transfer is bounded by one chunk. The built daemon runs as its own
/// process; one connection downloads sixteen 200 MiB files at once (half of them hashed, so they pass through
/// user space, half by sendfile); the kernel's high-water mark of the daemon's resident memory (VmHWM) is
/// compared with what it was before.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class V2MemoryTests
{
    private const int Transfers = 16;
    private const long FileSize = 200 * TestFiles.MiB;

    [Test]
    public async Task SixteenConcurrent200MiBDownloads_OnOneConnection_RaiseTheDaemonsPeakMemoryByFarLessThanTheData()
    {
        using var files = new TempTree();
        for (int i = 0; i < Transfers; i++) TestFiles.Sparse(Path.Combine(files.Root, $"series/{i}.dcm"), FileSize);
        string zerosHash = Convert.ToHexStringLower(HashOfZeros(FileSize));
        await using var daemon = DaemonProcess.Start(["--port", "0", "--bind", "127.0.0.1", "--root", files.Root,
                                                      "--siren", $"127.0.0.1:{DaemonProcess.FreePort()}", "--log-level", "information"]);
        int port = await daemon.WaitUntilListeningAsync();
        await using var client = await V2Client.ConnectAsync(port);
        // Warm up: one small transfer, so the baseline includes what any first request loads.
        await client.GetAsync(99, "series/0.dcm", length: 1024 * 1024, sha256: true);
        await client.FollowAsync([99]);
        long before = Status(daemon.Id, "VmHWM");

        for (int i = 0; i < Transfers; i++) await client.GetAsync(i + 1, $"series/{i}.dcm", sha256: i % 2 == 0);
        var downloads = await client.FollowAsync(Enumerable.Range(1, Transfers), timeout: TimeSpan.FromMinutes(15));
        long after = Status(daemon.Id, "VmHWM");

        long data = Transfers * FileSize;
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"daemon peak resident memory (VmHWM): {before / TestFiles.MiB:0.0} MiB before, {after / TestFiles.MiB:0.0} MiB after " +
            $"{Transfers} concurrent downloads of {FileSize / TestFiles.MiB} MiB ({data / TestFiles.MiB} MiB sent): " +
            $"+{(after - before) / (double)TestFiles.MiB:0.0} MiB"));
        Assert.That(downloads.Values.Select(d => d.Bytes), Is.All.EqualTo(FileSize));
        Assert.That(downloads.Values.Select(d => d.Problem), Is.All.Null);
        Assert.That(downloads.Values.Select(d => d.Sha256Hex), Is.All.EqualTo(zerosHash));
        Assert.That(Enumerable.Range(1, Transfers).Where(id => id % 2 == 1).Select(id => downloads[id].Final!["done"]!["sha256"]!.GetValue<string>()),
                    Is.All.EqualTo(zerosHash));
        // One chunk is 256 KiB; sixteen transfers hold at most one each. The bound leaves room for the runtime's
        // own growth (thread stacks, heap segments) and is still 50 times below the data.
        Assert.That(after - before, Is.LessThan(64 * TestFiles.MiB));
    }

    private static byte[] HashOfZeros(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[TestFiles.MiB];
        for (long done = 0; done < length; done += block.Length) hash.AppendData(block);
        return hash.GetHashAndReset();
    }

    /// <summary>A "Name: N kB" line of /proc/PID/status, in bytes.</summary>
    private static long Status(int pid, string name)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(name + ":", StringComparison.Ordinal)) continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidDataException($"no {name} in /proc/{pid}/status");
    }
}
