using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.Hardening;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Clients;

/// <summary>The daemon (in-process, SiREN peer) and the real files the client-library tests download:
/// a small file of a few chunks, a large one, and one to resume; their SHA-256s computed here.</summary>
public abstract class ClientLibraryFixture
{
    protected const int ChunkSize = 256 * 1024;
    protected const long SmallSize = 3 * ChunkSize + 123;
    protected const long BigSize = 48 * TestFiles.MiB;
    protected const long ResumeSize = 32 * TestFiles.MiB;
    protected const int RangeOffset = ChunkSize - 7, RangeLength = ChunkSize + 100;
    /// <summary>Where the relay of the resume tests cuts the first connection.</summary>
    protected const long CutAfter = 5 * TestFiles.MiB + 777;

    internal GatewayHarness Gateway { get; private set; } = null!;
    protected string SmallHash { get; private set; } = "";
    protected string BigHash { get; private set; } = "";
    protected string ResumeHash { get; private set; } = "";
    protected string RangeHash { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        Gateway = await GatewayHarness.StartAsync(populate: files =>
        {
            SmallHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "study/small.dcm"), SmallSize, seed: 11));
            BigHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "series/big.dcm"), BigSize, seed: 12));
            ResumeHash = Convert.ToHexStringLower(TestFiles.Patterned(Path.Combine(files.Root, "series/resume.dcm"), ResumeSize, seed: 13));
        });
        byte[] small = File.ReadAllBytes(Path.Combine(Gateway.Files.Root, "study/small.dcm"));
        RangeHash = Convert.ToHexStringLower(SHA256.HashData(small.AsSpan(RangeOffset, RangeLength)));
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
    }

    /// <summary>What the "tour" scenarios of both clients get: every call once, on the files above.</summary>
    protected JsonObject TourArguments(string url) => new()
    {
        ["url"] = url, ["select"] = DemoReplies.SelectAllImages, ["maxInFlight"] = 16,
        ["file"] = "study/small.dcm", ["big"] = "series/big.dcm",
        ["rangeOffset"] = RangeOffset, ["rangeLength"] = RangeLength, ["beyond"] = SmallSize + 1, ["many"] = 40,
    };

    /// <summary>An RFC 3339 time a client reported for the small file: its modification time.</summary>
    protected void AssertMtime(JsonNode? reported)
    {
        var mtime = DateTime.Parse(reported!.GetValue<string>(), null, DateTimeStyles.RoundtripKind);
        var actual = File.GetLastWriteTimeUtc(Path.Combine(Gateway.Files.Root, "study/small.dcm"));
        Assert.That(mtime, Is.EqualTo(actual).Within(TimeSpan.FromSeconds(1)));
    }

    /// <summary>A client's report of a failed request: {code, message}.</summary>
    protected static void AssertError(JsonNode? failure, string code, string? message)
    {
        Assert.That(failure?["code"]?.GetValue<string>(), Is.EqualTo(code), failure?.ToJsonString());
        if (message is not null) Assert.That(failure!["message"]!.GetValue<string>(), Is.EqualTo(message));
    }
}
