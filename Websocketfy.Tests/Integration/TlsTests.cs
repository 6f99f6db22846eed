using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>wss://: the daemon with --tls-certificate and --tls-key, against ClientWebSocket that trusts
/// only the test PKI's root (so every handshake also checks that the daemon sends the intermediate).</summary>
[TestFixture]
public sealed class TlsTests
{
    private const int SixtyFourMebibytes = 64 * 1024 * 1024;
    private static readonly byte[] SmallFile = Encoding.ASCII.GetBytes("DICM small study file\n");

    private TestPki _pki = null!;
    private ServerCredentials _credentials = null!;
    private GatewayHarness _gateway = null!;
    private byte[] _large = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _pki = new TestPki();
        _credentials = _pki.Issue();
        _large = FileRequestTests.Pattern(SixtyFourMebibytes);
        _gateway = await GatewayHarness.StartAsync(
            options => options with { TlsCertificate = _credentials.CertificatePath, TlsKey = _credentials.KeyPath },
            populate: files =>
            {
                files.Write("study/small.dcm", SmallFile);
                files.Write("study/large.bin", _large);
            });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        _pki.Dispose();
    }

    [Test]
    public async Task SmallFile_OverWss_ArrivesIntact()
    {
        await using var client = await WssClient.ConnectAsync(_gateway.Port, _pki);

        var reply = await client.RequestAsync("REQUEST study/small.dcm");

        Assert.That((reply.Type, reply.Bytes), Is.EqualTo((WebSocketMessageType.Binary, SmallFile)));
    }

    [Test]
    public async Task SixtyFourMebibyteFile_OverWss_HasTheSameSha256()
    {
        await using var client = await WssClient.ConnectAsync(_gateway.Port, _pki);

        await client.SendTextAsync("REQUEST study/large.bin");
        var (type, length, sha256) = await client.ReceiveDigestAsync(TimeSpan.FromMinutes(2));

        Assert.That((type, length, sha256),
                    Is.EqualTo((WebSocketMessageType.Binary, (long)_large.Length, Convert.ToHexStringLower(SHA256.HashData(_large)))));
    }

    [Test]
    public async Task Sql_OverWss_GetsSirensReply()
    {
        byte[] expected = await RawSiren.QueryAsync(_gateway.Siren.Port, "SELECT * FROM images");
        await using var client = await WssClient.ConnectAsync(_gateway.Port, _pki);

        var reply = await client.RequestAsync("SELECT * FROM images");

        Assert.That((reply.Type, reply.Bytes), Is.EqualTo((WebSocketMessageType.Text, expected)));
    }

    [Test]
    public async Task ClientSees_TheConfiguredCertificate()
    {
        var (client, fingerprint) = await WssClient.ConnectSeeingAsync(_gateway.Port, _pki);
        await using (client)
            Assert.That(fingerprint, Is.EqualTo(_credentials.Fingerprint));
    }

    [Test]
    public async Task PlainHttpToTheTlsPort_GetsA400InPlainText_AndTheConnectionCloses()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", _gateway.Port);
        await socket.SendAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), SocketFlags.None);

        string answer = Encoding.ASCII.GetString(await ReadToEndAsync(socket));

        Assert.That(answer, Does.StartWith("HTTP/1.1 400 "));
        Assert.That(answer, Does.Contain("TLS only"));
    }

    [Test]
    public void PlainWebSocketToTheTlsPort_FailsToConnect()
    {
        Assert.ThrowsAsync<WebSocketException>(async () => await WsClient.ConnectAsync(_gateway.Port));
    }

    /// <summary>Reads until the daemon closes; the bound turns a hang into a failure.</summary>
    internal static async Task<byte[]> ReadToEndAsync(Socket socket)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token)) > 0) received.Write(buffer, 0, n);
        return received.ToArray();
    }
}
