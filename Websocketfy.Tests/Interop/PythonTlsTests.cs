using System.Security.Cryptography;
using System.Text.Json;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// Python's ssl module (OpenSSL, a TLS stack we did not write) against the daemon speaking TLS:
/// websockets over wss:// for files and SQL, and bare handshakes (tls_probe.py) for protocol versions.
/// Both trust only the test PKI's root and check the host name.
/// </summary>
[TestFixture]
public sealed class PythonTlsTests
{
    private const string NotePath = "notes/readme.txt";
    private const string LargePath = "big/sixty-four-mebibytes.bin";
    private static readonly byte[] Note = "Interop note over TLS: no patient data.\n"u8.ToArray();

    private TestPki _pki = null!;
    private GatewayHarness _gateway = null!;
    private byte[] _large = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        var credentials = _pki.Issue(KeyFile.Rsa);
        _large = new byte[64 * 1024 * 1024];
        new Random(64).NextBytes(_large);
        _gateway = await GatewayHarness.StartAsync(
            options => options with { TlsCertificate = credentials.CertificatePath, TlsKey = credentials.KeyPath },
            populate: files =>
            {
                files.Write(NotePath, Note);
                files.Write(LargePath, _large);
            });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        _pki.Dispose();
    }

    [Test]
    public async Task Connection_IsTls12OrLater_WithAlpnHttp11()
    {
        var lines = await RunClientAsync("text:SELECT 1 AS a");

        Assert.That(lines[0].Str("tls"), Is.AnyOf("TLSv1.2", "TLSv1.3"));
        Assert.That(lines[0].Str("alpn"), Is.EqualTo("http/1.1"));
    }

    [Test]
    public async Task SmallFile_ArrivesWithIdenticalBytes()
    {
        var lines = await RunClientAsync("text:REQUEST " + NotePath);

        Assert.That((lines[1].Str("reply"), lines[1].Str("sha256")), Is.EqualTo(("binary", Sha256(Note))));
    }

    [Test]
    public async Task SixtyFourMebibyteFile_ArrivesWithIdenticalBytes()
    {
        var lines = await RunClientAsync("binary:REQUEST " + LargePath);

        Assert.That((lines[1].Str("reply"), lines[1].Int("length"), lines[1].Str("sha256")),
                    Is.EqualTo(("binary", _large.Length, Sha256(_large))));
    }

    [Test]
    public async Task Select_GetsSirensRows()
    {
        var lines = await RunClientAsync("text:" + DemoReplies.SelectAllImages);

        Assert.That((lines[1].Str("reply"), lines[1].Str("text")), Is.EqualTo(("text", DemoReplies.AllImages)));
    }

    [Test]
    public async Task Tls11Client_IsRefusedByTheServer()
    {
        var result = await ProbeAsync("TLSv1_1", "TLSv1_1");

        // The alert comes from the server: the client offered TLS 1.1 (security level 0 allows it).
        Assert.That((result.Str("handshake"), result.Str("reason")), Is.EqualTo(("failed", "TLSV1_ALERT_PROTOCOL_VERSION")),
                    result.GetRawText());
    }

    [TestCase("TLSv1_2", "TLSv1.2")]
    [TestCase("TLSv1_3", "TLSv1.3")]
    public async Task Tls12And13Clients_AreAccepted(string version, string negotiated)
    {
        var result = await ProbeAsync(version, version);

        Assert.That((result.Str("handshake"), result.Str("version"), result.Str("alpn")), Is.EqualTo(("ok", negotiated, "http/1.1")),
                    result.GetRawText());
    }

    private Task<JsonElement[]> RunClientAsync(params string[] steps) =>
        PythonScripts.RunAsync("websockets_client.py", ["--cafile", _pki.RootPath, $"wss://127.0.0.1:{_gateway.Port}/", .. steps],
                               TimeSpan.FromMinutes(2));

    private async Task<JsonElement> ProbeAsync(string minimum, string maximum)
    {
        var lines = await PythonScripts.RunAsync("tls_probe.py", ["127.0.0.1", _gateway.Port.ToString(), _pki.RootPath, minimum, maximum]);
        return lines[0];
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
