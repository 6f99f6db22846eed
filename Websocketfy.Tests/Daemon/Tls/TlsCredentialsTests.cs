using Websocketfy.Daemon.Tls;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Tls;

/// <summary>Reading --tls-certificate and --tls-key: every usable PEM form is taken, every unusable file is
/// refused with a message that names it.</summary>
[TestFixture]
public sealed class TlsCredentialsTests
{
    private TestPki _pki = null!;

    [SetUp]
    public void SetUp() => _pki = new TestPki();

    [TearDown]
    public void TearDown() => _pki.Dispose();

    [TestCase(KeyFile.Pkcs8)]
    [TestCase(KeyFile.Rsa)]
    [TestCase(KeyFile.Ec)]
    public void UnencryptedKey_InEachPemForm_IsTaken_WithTheChainAfterTheLeaf(KeyFile format)
    {
        var issued = _pki.Issue(format);

        var credentials = TlsCredentials.Load(issued.CertificatePath, issued.KeyPath);

        Assert.That((credentials.Fingerprint, credentials.Intermediates, credentials.Leaf.HasPrivateKey),
                    Is.EqualTo((issued.Fingerprint, 1, true)));
    }

    [Test]
    public void EncryptedKey_IsRefused_NamingTheKeyFile()
    {
        var issued = _pki.Issue(KeyFile.EncryptedPkcs8);

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(issued.CertificatePath, issued.KeyPath))!;

        Assert.That(refusal.Message, Does.StartWith($"tls-key '{issued.KeyPath}': the private key is encrypted"));
    }

    [TestCase(KeyFile.Pkcs8, TestName = "KeyOfAnotherCertificate_OfTheSameType_IsRefused_NamingBothFiles")]
    [TestCase(KeyFile.Rsa, TestName = "KeyOfAnotherCertificate_OfAnotherType_IsRefused_NamingBothFiles")]
    public void KeyOfAnotherCertificate_IsRefused_NamingBothFiles(KeyFile otherKey)
    {
        var first = _pki.Issue();
        var second = _pki.Issue(otherKey);

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(first.CertificatePath, second.KeyPath))!;

        Assert.That(refusal.Message, Does.StartWith($"tls-key '{second.KeyPath}' cannot be used with the first certificate of '{first.CertificatePath}'"));
    }

    [Test]
    public void MissingCertificateFile_IsRefused_NamingIt()
    {
        var issued = _pki.Issue();
        string missing = Path.Combine(_pki.Directory, "no-such.pem");

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(missing, issued.KeyPath))!;

        Assert.That(refusal.Message, Is.EqualTo($"tls-certificate '{missing}': no such file"));
    }

    [Test]
    public void MissingKeyFile_IsRefused_NamingIt()
    {
        var issued = _pki.Issue();
        string missing = Path.Combine(_pki.Directory, "no-such.key");

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(issued.CertificatePath, missing))!;

        Assert.That(refusal.Message, Is.EqualTo($"tls-key '{missing}': no such file"));
    }

    [Test]
    public void CertificateFileWithoutACertificate_IsRefused()
    {
        var issued = _pki.Issue();

        // The key file given as the certificate: a PEM file, but not of a certificate.
        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(issued.KeyPath, issued.KeyPath))!;

        Assert.That(refusal.Message, Does.StartWith($"tls-certificate '{issued.KeyPath}': no PEM certificate in it"));
    }

    [Test]
    public void KeyFileWithoutAKey_IsRefused()
    {
        var issued = _pki.Issue();

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(issued.CertificatePath, issued.CertificatePath))!;

        Assert.That(refusal.Message, Does.StartWith($"tls-key '{issued.CertificatePath}': no PEM private key in it"));
    }

    [Test]
    public void Directory_IsRefused()
    {
        var issued = _pki.Issue();

        var refusal = Assert.Throws<TlsCredentialsException>(() => TlsCredentials.Load(_pki.Directory, issued.KeyPath))!;

        Assert.That(refusal.Message, Is.EqualTo($"tls-certificate '{_pki.Directory}': is a directory, not a file"));
    }
}
