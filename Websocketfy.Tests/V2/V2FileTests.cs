using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>PROTOCOL-V2.md, get and stat: ranges, chunks with their prefix, start and done, SHA-256, and the
/// classic path rules, against the daemon over loopback (with a small chunk size, so files make many chunks).</summary>
[TestFixture]
public sealed class V2FileTests
{
    private const int ChunkSize = 4096;
    private static readonly byte[] Image = Pattern(10 * ChunkSize + 123, seed: 1);

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _gateway = await GatewayHarness.StartAsync(o => o with { V2ChunkSize = ChunkSize }, populate: files =>
        {
            files.Write("study1/image.dcm", Image);
            files.Write("study 2/slice 01.dcm", Pattern(300, seed: 2));
            files.Write("empty.bin", []);
            files.Write(".hidden/secret.dcm", Pattern(10, seed: 3));
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    internal static byte[] Pattern(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<V2Download> DownloadAsync(string path, long? offset = null, long? length = null, bool sha256 = false)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(3, path, offset, length, sha256);
        var download = (await client.FollowAsync([3], keepBytes: true))[3];
        Assert.That(download.Problem, Is.Null);
        return download;
    }

    [Test]
    public async Task WholeFile_ComesAsStartChunksAndDone_WithTheSha256OfItsBytes()
    {
        var download = await DownloadAsync("study1/image.dcm", sha256: true);

        Assert.That(download.Kept, Is.EqualTo(Image));
        Assert.That(download.Chunks, Is.EqualTo(11), "10 full chunks and one of 123 bytes");
        Assert.That(download.Start!["size"]!.GetValue<long>(), Is.EqualTo(Image.Length));
        Assert.That(V2Json.Text(download.Final), Is.EqualTo($$$"""{"id":3,"ok":true,"done":{"bytes":{{{Image.Length}}},"sha256":"{{{Hex(Image)}}}"}}"""));
    }

    [Test]
    public async Task Start_GivesSizeOffsetLengthAndTheFilesMtimeInUtc()
    {
        var written = new DateTime(2024, 2, 29, 23, 59, 58, 125, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(_gateway.Files.Root, "study 2/slice 01.dcm"), written);

        var download = await DownloadAsync("study 2/slice 01.dcm", offset: 100);

        Assert.That(V2Json.Text(download.Start), Is.EqualTo("""{"size":300,"offset":100,"length":200,"mtime":"2024-02-29T23:59:58.125Z"}"""));
    }

    [Test]
    public async Task WithoutSha256_DoneHasNoHash()
    {
        var download = await DownloadAsync("study 2/slice 01.dcm");

        Assert.That(V2Json.Text(download.Final), Is.EqualTo("""{"id":3,"ok":true,"done":{"bytes":300}}"""));
    }

    [Test]
    public async Task Range_SendsExactlyThoseBytes_AndHashesOnlyThem()
    {
        var download = await DownloadAsync("study1/image.dcm", offset: 5000, length: 9000, sha256: true);

        Assert.That(download.Kept, Is.EqualTo(Image[5000..14000]));
        Assert.That(download.Final!["done"]!["sha256"]!.GetValue<string>(), Is.EqualTo(Hex(Image.AsSpan(5000, 9000))));
    }

    [Test]
    public async Task LengthBeyondTheEnd_IsCutAtTheEnd()
    {
        var download = await DownloadAsync("study1/image.dcm", offset: Image.Length - 10, length: 1_000_000);

        Assert.That((download.Start!["length"]!.GetValue<long>(), download.Kept), Is.EqualTo((10L, Image[^10..])));
    }

    [Test]
    public async Task OffsetAtTheEnd_IsAnEmptyRange()
    {
        var download = await DownloadAsync("study1/image.dcm", offset: Image.Length, sha256: true);

        Assert.That((download.Chunks, V2Json.Text(download.Final)), Is.EqualTo((0,
            """{"id":3,"ok":true,"done":{"bytes":0,"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}""")));
    }

    [Test]
    public async Task EmptyFile_HasAStartAndADone()
    {
        var download = await DownloadAsync("empty.bin");

        Assert.That((download.Start!["size"]!.GetValue<long>(), download.Chunks, download.Final!["done"]!["bytes"]!.GetValue<long>()), Is.EqualTo((0L, 0, 0L)));
    }

    [Test]
    public async Task OffsetBeyondTheEnd_IsBadRange()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(3, "study1/image.dcm", offset: Image.Length + 1);

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo(
            $$$"""{"id":3,"ok":false,"error":{"code":"bad_range","message":"offset {{{Image.Length + 1}}} is beyond the end of the file ({{{Image.Length}}} bytes)"}}"""));
    }

    [TestCase("")]
    [TestCase("  \t")]
    public async Task EmptyPath_IsMissingPath(string path)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(3, path);

        Assert.That(V2Json.Text(await client.ReceiveJsonAsync()), Is.EqualTo("""{"id":3,"ok":false,"error":{"code":"missing_path","message":"File name is missing!"}}"""));
    }

    [TestCase("no/such.dcm", TestName = "MissingFile_IsNotFound")]
    [TestCase("study1", TestName = "Directory_IsNotFound")]
    [TestCase("../etc/passwd", TestName = "DotDot_IsNotFound")]
    [TestCase("/etc/passwd", TestName = "AbsolutePath_IsNotFound")]
    [TestCase(".hidden/secret.dcm", TestName = "HiddenSegment_IsNotFound")]
    [TestCase("study1\\image.dcm", TestName = "Backslash_IsNotFound")]
    public async Task WhatCannotBeServed_IsNotFound_ForGetAndStat(string path)
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(3, path);
        await client.StatAsync(4, path);
        var answers = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() }.OrderBy(a => a["id"]!.GetValue<int>());

        Assert.That(answers.Select(V2Json.Text), Is.EqualTo(new[]
        {
            """{"id":3,"ok":false,"error":{"code":"not_found","message":"File not found!"}}""",
            """{"id":4,"ok":false,"error":{"code":"not_found","message":"File not found!"}}""",
        }));
    }

    [Test]
    public async Task PathWithSurroundingSpaces_IsTrimmedAsClassicPaths()
    {
        var download = await DownloadAsync(" study 2/slice 01.dcm \n");

        Assert.That(download.Bytes, Is.EqualTo(300));
    }

    [Test]
    public async Task Chunks_CarryTheRequestsIdAndTheirOffsetInTheFile()
    {
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(2147483647, "study1/image.dcm", offset: 10);
        var offsets = new List<long>();
        await client.FollowAsync([2147483647], seen: m => { if (m.IsChunk) offsets.Add(m.Offset); });

        Assert.That(offsets, Is.EqualTo(Enumerable.Range(0, 11).Select(i => 10L + i * ChunkSize).Where(o => o < Image.Length)));
    }

    [Test]
    public async Task Stat_GivesSizeMtimeAndSha256()
    {
        var written = new DateTime(2023, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(_gateway.Files.Root, "study1/image.dcm"), written);
        await using var client = await V2Client.ConnectAsync(_gateway.Port);

        await client.StatAsync(9, "study1/image.dcm", sha256: true);
        await client.StatAsync(10, "study1/image.dcm");
        var answers = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() }.OrderBy(a => a["id"]!.GetValue<int>());

        Assert.That(answers.Select(V2Json.Text), Is.EqualTo(new[]
        {
            $$$"""{"id":9,"ok":true,"stat":{"size":{{{Image.Length}}},"mtime":"2023-01-02T03:04:05.678Z","sha256":"{{{Hex(Image)}}}"}}""",
            $$$"""{"id":10,"ok":true,"stat":{"size":{{{Image.Length}}},"mtime":"2023-01-02T03:04:05.678Z"}}""",
        }));
    }

    [Test]
    public async Task Stat_OfAFileChangedSinceItWasHashed_HashesTheNewContent()
    {
        string path = Path.Combine(_gateway.Files.Root, "rewritten.bin");
        File.WriteAllBytes(path, Pattern(1000, seed: 4));
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.StatAsync(1, "rewritten.bin", sha256: true);
        var first = await client.ReceiveJsonAsync();

        byte[] changed = Pattern(1000, seed: 5);
        File.WriteAllBytes(path, changed);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await client.StatAsync(2, "rewritten.bin", sha256: true);
        var second = await client.ReceiveJsonAsync();

        Assert.That(second["stat"]!["sha256"]!.GetValue<string>(), Is.EqualTo(Hex(changed)));
        Assert.That(first["stat"]!["sha256"]!.GetValue<string>(), Is.EqualTo(Hex(Pattern(1000, seed: 4))));
    }

    [Test]
    public async Task ConcurrentGets_Interleave_OneChunkEachInTurn()
    {
        // Larger than the socket buffers on both sides, so the first cannot be done before the second starts.
        TestFiles.Sparse(Path.Combine(_gateway.Files.Root, "big/24-mebibytes.bin"), 24 * TestFiles.MiB);
        await using var client = await V2Client.ConnectAsync(_gateway.Port);
        await client.GetAsync(1, "big/24-mebibytes.bin");
        await client.GetAsync(2, "big/24-mebibytes.bin");
        var seen = new List<string>();

        var downloads = await client.FollowAsync([1, 2], seen: m => seen.Add(m.IsChunk ? m.Id.ToString() : m.IsFinal ? "done" : "start"));

        // From the second start message to the first done, the two take strict turns.
        int from = seen.LastIndexOf("start"), to = seen.IndexOf("done");
        var turns = seen.Skip(from + 1).Take(to - from - 1).ToList();
        Assert.That(turns, Has.Count.GreaterThan(100));
        Assert.That(turns.Zip(turns.Skip(1)).Count(pair => pair.First == pair.Second), Is.Zero, string.Join(" ", turns.Take(200)));
        Assert.That(downloads.Values.Select(d => d.Bytes), Is.All.EqualTo(24 * TestFiles.MiB));
    }
}
