using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Startup;

/// <summary>TLS settings that cannot work stop the built daemon before it listens: exit code 78 and one
/// line on stderr naming the file, never a daemon that listens and then fails every handshake.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TlsStartupTests
{
    private TestPki _pki = null!;
    private TempTree _root = null!;

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _root = new TempTree();
    }

    [TearDown]
    public void TearDown()
    {
        _root.Dispose();
        _pki.Dispose();
    }

    [Test]
    public async Task EncryptedKey_ExitsWith78_NamingTheKeyFile()
    {
        var issued = _pki.Issue(KeyFile.EncryptedPkcs8);

        var (code, stderr) = await RunAsync(issued.CertificatePath, issued.KeyPath);

        Assert.That((code, stderr), Is.EqualTo((78, $"websocketfy: tls-key '{issued.KeyPath}': the private key is encrypted, and a daemon "
            + "cannot ask for its passphrase; store it unencrypted and readable only by the daemon's user (openssl pkey -in KEY -out PLAIN)")));
    }

    [Test]
    public async Task MissingCertificateFile_ExitsWith78_NamingIt()
    {
        var issued = _pki.Issue();
        string missing = Path.Combine(_pki.Directory, "fullchain.pem");

        var (code, stderr) = await RunAsync(missing, issued.KeyPath);

        Assert.That((code, stderr), Is.EqualTo((78, $"websocketfy: tls-certificate '{missing}': no such file")));
    }

    [Test]
    public async Task KeyOfAnotherCertificate_ExitsWith78_NamingTheKeyFile()
    {
        var first = _pki.Issue();
        var second = _pki.Issue();

        var (code, stderr) = await RunAsync(first.CertificatePath, second.KeyPath);

        Assert.That(code, Is.EqualTo(78));
        Assert.That(stderr, Does.StartWith($"websocketfy: tls-key '{second.KeyPath}' cannot be used with the first certificate of '{first.CertificatePath}'"));
    }

    [Test]
    public async Task CertificateWithoutKey_ExitsWith78()
    {
        var issued = _pki.Issue();

        var (code, stderr) = await DaemonProcess.RunToExitAsync("--port", "0", "--root", _root.Root, "--tls-certificate", issued.CertificatePath);

        Assert.That((code, stderr), Is.EqualTo((78, "websocketfy: tls-certificate is set but tls-key is not: TLS needs both (or neither, for plain ws://)")));
    }

    private Task<(int, string)> RunAsync(string certificate, string key) =>
        DaemonProcess.RunToExitAsync("--bind", "127.0.0.1", "--port", "0", "--root", _root.Root,
                                     "--tls-certificate", certificate, "--tls-key", key);
}
