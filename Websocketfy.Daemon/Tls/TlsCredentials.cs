using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Websocketfy.Daemon.Tls;

/// <summary>
/// The server certificate, its chain and its private key, read from the PEM files of --tls-certificate
/// and --tls-key with .NET's PEM APIs. Every way the files can be unusable is found here, at start-up or
/// while a reload prepares, and reported naming the file: a daemon must never listen and then fail every
/// handshake.
/// </summary>
internal sealed class TlsCredentials : IDisposable
{
    // Labels .NET's X509Certificate2.CreateFromPem takes for a private key (RFC 7468, plus OpenSSL's
    // traditional RSA and EC forms).
    private static readonly string[] KeyLabels = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

    private readonly X509Certificate2Collection _intermediates;

    private TlsCredentials(SslStreamCertificateContext context, X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        Context = context;
        Leaf = leaf;
        _intermediates = intermediates;
    }

    /// <summary>What SslStream serves: the leaf with its key, and the chain sent after it.</summary>
    public SslStreamCertificateContext Context { get; }

    public X509Certificate2 Leaf { get; }

    public int Intermediates => _intermediates.Count;

    /// <summary>The SHA-256 fingerprint of the leaf, as upper-case hex: what tells a renewed certificate apart.</summary>
    public string Fingerprint => Leaf.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>One line for the log.</summary>
    public string Description =>
        $"subject '{Leaf.Subject}', valid until {Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, "
        + $"{Intermediates} intermediate certificate(s), SHA-256 {Fingerprint}";

    /// <summary>Reads both files. Throws <see cref="TlsCredentialsException"/> with a message naming the file
    /// that is at fault.</summary>
    public static TlsCredentials Load(string certificatePath, string keyPath)
    {
        string certificateText = ReadFile("tls-certificate", certificatePath);
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificateText);
        }
        catch (CryptographicException ex)
        {
            throw new TlsCredentialsException($"tls-certificate '{certificatePath}': not a readable PEM certificate ({ex.Message})");
        }
        if (chain.Count == 0)
            throw new TlsCredentialsException($"tls-certificate '{certificatePath}': no PEM certificate in it (expected '-----BEGIN CERTIFICATE-----')");

        string keyText = ReadFile("tls-key", keyPath);
        CheckKeyText(keyText, keyPath);

        X509Certificate2 leaf;
        try
        {
            // The first certificate of the file is the server's own; the key must belong to it.
            leaf = X509Certificate2.CreateFromPem(chain[0].ExportCertificatePem(), keyText);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key of the certificate's type that is not its key.
            throw new TlsCredentialsException(
                $"tls-key '{keyPath}' cannot be used with the first certificate of '{certificatePath}': {Reason(ex)}");
        }
        if (!leaf.HasPrivateKey)
            throw new TlsCredentialsException($"tls-key '{keyPath}': no private key could be read from it");

        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
        // offline: the chain is built from the file's certificates only, never fetched from the network.
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        chain[0].Dispose();
        return new TlsCredentials(context, leaf, intermediates);
    }

    /// <summary>Frees the key and certificate handles; only for credentials no handshake was given.</summary>
    public void Dispose()
    {
        Leaf.Dispose();
        foreach (X509Certificate2 certificate in _intermediates) certificate.Dispose();
    }

    private static void CheckKeyText(string keyText, string keyPath)
    {
        // PKCS#8 "ENCRYPTED PRIVATE KEY", or OpenSSL's traditional format with a Proc-Type header.
        if (keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal)
            || keyText.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new TlsCredentialsException(
                $"tls-key '{keyPath}': the private key is encrypted, and a daemon cannot ask for its passphrase; "
                + "store it unencrypted and readable only by the daemon's user (openssl pkey -in KEY -out PLAIN)");
        }
        ReadOnlySpan<char> rest = keyText;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            if (KeyLabels.Contains(rest[fields.Label].ToString())) return;
            rest = rest[fields.Location.End..];
        }
        throw new TlsCredentialsException(
            $"tls-key '{keyPath}': no PEM private key in it (expected 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
    }

    private static string ReadFile(string setting, string path)
    {
        try
        {
            if (Directory.Exists(path)) throw new TlsCredentialsException($"{setting} '{path}': is a directory, not a file");
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsCredentialsException($"{setting} '{path}': no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new TlsCredentialsException($"{setting} '{path}': permission denied (the daemon's user cannot read it)");
        }
        catch (IOException ex)
        {
            throw new TlsCredentialsException($"{setting} '{path}': cannot be read ({ex.Message})");
        }
    }

    private static string Reason(Exception ex) =>
        ex.Message.Contains("match", StringComparison.OrdinalIgnoreCase)
            ? "the key does not match the certificate's public key"
            : ex.Message;
}

/// <summary>The certificate or key cannot be used; the message names the file and says why.</summary>
internal sealed class TlsCredentialsException(string message) : Exception(message);
