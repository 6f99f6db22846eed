using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Websocketfy.Tests.Support;

/// <summary>How a test server key is written to its PEM file.</summary>
public enum KeyFile
{
    /// <summary>PKCS#8 "PRIVATE KEY" (ECDSA P-256).</summary>
    Pkcs8,
    /// <summary>OpenSSL's traditional "RSA PRIVATE KEY" (RSA 2048).</summary>
    Rsa,
    /// <summary>OpenSSL's traditional "EC PRIVATE KEY" (ECDSA P-256).</summary>
    Ec,
    /// <summary>"ENCRYPTED PRIVATE KEY" (PKCS#8 under a passphrase).</summary>
    EncryptedPkcs8,
}

/// <summary>A server certificate as written: the PEM files and what a client will see.</summary>
public sealed record ServerCredentials(string CertificatePath, string KeyPath, X509Certificate2 Leaf)
{
    /// <summary>SHA-256 of the leaf, upper-case hex (X509Certificate2.GetCertHashString).</summary>
    public string Fingerprint => Leaf.GetCertHashString(HashAlgorithmName.SHA256);
}

/// <summary>
/// A throw-away PKI made at run time (no key is checked in): a root CA, an intermediate it signs, and
/// server certificates for 127.0.0.1 / localhost the intermediate signs, written as PEM files the way an
/// operator would get them (certificate file = leaf, then the intermediate). Clients trust the root only,
/// so a handshake succeeds only when the daemon sends the chain.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly TempTree _directory = new();
    private readonly X509Certificate2 _intermediate;
    private readonly ECDsa _intermediateKey;
    private int _issued;

    public TestPki()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Websocketfy Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        Root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        RootPath = Path.Combine(_directory.Root, "root-ca.pem");
        File.WriteAllText(RootPath, Root.ExportCertificatePem());

        _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Websocketfy Test Intermediate", _intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediateRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediateRequest.PublicKey, false));
        intermediateRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        _intermediate = intermediateRequest.Create(Root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), Serial());
    }

    /// <summary>The only certificate clients trust.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The root as a PEM file (Python's cafile).</summary>
    public string RootPath { get; }

    public string Directory => _directory.Root;

    /// <summary>Issues a new server certificate and key and writes them to the two paths (replacing what is
    /// there: a renewal), or to fresh files in the PKI's directory.</summary>
    public ServerCredentials Issue(KeyFile format = KeyFile.Pkcs8, string? certificatePath = null, string? keyPath = null)
    {
        int n = Interlocked.Increment(ref _issued);
        certificatePath ??= Path.Combine(Directory, $"server-{n}.crt.pem");
        keyPath ??= Path.Combine(Directory, $"server-{n}.key.pem");
        using AsymmetricAlgorithm key = format == KeyFile.Rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is RSA rsa
            ? new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=127.0.0.1", (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_intermediate, true, false));
        // Signed with the intermediate's ECDSA key whatever the leaf's own key type is.
        var leaf = request.Create(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(_intermediateKey),
                                  DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(3), Serial());

        File.WriteAllText(certificatePath, leaf.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, format switch
        {
            KeyFile.Rsa => ((RSA)key).ExportRSAPrivateKeyPem(),
            KeyFile.Ec => ((ECDsa)key).ExportECPrivateKeyPem(),
            KeyFile.EncryptedPkcs8 => key.ExportEncryptedPkcs8PrivateKeyPem("passphrase".AsSpan(),
                new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)),
            _ => key.ExportPkcs8PrivateKeyPem(),
        });
        return new ServerCredentials(certificatePath, keyPath, leaf);
    }

    /// <summary>A client-side check that trusts this PKI's root only (and the host name the certificate names),
    /// reporting the leaf the server presented to <paramref name="seen"/>.</summary>
    public RemoteCertificateValidationCallback Validator(Action<X509Certificate2>? seen = null) => (_, certificate, chain, errors) =>
    {
        if (certificate is null) return false;
        var leaf = new X509Certificate2(certificate);
        seen?.Invoke(leaf);
        // Only the untrusted root may be wrong; a name mismatch or a missing certificate is not forgiven.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var ours = new X509Chain();
        ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        ours.ChainPolicy.CustomTrustStore.Add(Root);
        ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (X509ChainElement element in chain.ChainElements) ours.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return ours.Build(leaf);
    };

    private static byte[] Serial() => RandomNumberGenerator.GetBytes(12);

    public void Dispose()
    {
        _intermediateKey.Dispose();
        _directory.Dispose();
    }
}
