using System.Security.Cryptography;
using Websocketfy.Tests.Integration;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.V2;

/// <summary>websocketfy.v2 over wss://: no sendfile under TLS, so each chunk is read into the one buffer and
/// leaves as one TLS write; a query still gets its reply between two chunks.</summary>
[TestFixture]
public sealed class V2TlsTests
{
    private const int Size = 48 * 1024 * 1024 + 7;
    private TestPki _pki = null!;
    private GatewayHarness _gateway = null!;
    private byte[] _file = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        var credentials = _pki.Issue();
        _file = FileRequestTests.Pattern(Size);
        _gateway = await GatewayHarness.StartAsync(o => o with { TlsCertificate = credentials.CertificatePath, TlsKey = credentials.KeyPath },
                                                   populate: files => files.Write("study/large.bin", _file));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        _pki.Dispose();
    }

    [Test]
    public async Task RangedGetAndAQuery_OverWss_ArriveIntact()
    {
        await using var client = await V2Client.ConnectAsync(new Uri($"wss://127.0.0.1:{_gateway.Port}/"),
                                                              o => o.RemoteCertificateValidationCallback = _pki.Validator());
        await client.GetAsync(1, "study/large.bin", offset: 3, sha256: true);
        await client.SqlAsync(2, "SELECT 1 AS a");

        var results = await client.FollowAsync([1, 2]);

        string expected = Convert.ToHexStringLower(SHA256.HashData(_file.AsSpan(3)));
        Assert.That((results[1].Problem, results[1].Bytes, results[1].Sha256Hex, results[1].Final!["done"]!["sha256"]!.GetValue<string>()),
                    Is.EqualTo(((string?)null, (long)Size - 3, expected, expected)));
        Assert.That(results[2].Final!["text"]!.GetValue<string>(), Is.EqualTo("a\n1\n"));
    }
}
