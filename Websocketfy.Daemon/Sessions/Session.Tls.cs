using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Network;
using Websocketfy.Protocol.Http;
using Websocketfy.Protocol.Proxy;

namespace Websocketfy.Daemon.Sessions;

internal sealed partial class Session
{
    // Every TLS connection opens with a handshake record (content type 22); a plain HTTP request with a letter.
    private const byte TlsHandshakeRecord = 0x16;

    private static readonly byte[] PlainTextOnTlsPort = HttpResponses.Error(400,
        "This port speaks TLS only: connect with wss:// (or https://).");

    /// <summary>The TLS handshake, under the connection's handshake deadline (the caller turns its expiry into
    /// "handshake timeout"). Returns false when the connection ended here.</summary>
    private async Task<bool> SecureAsync(SslStream tls, CancellationToken deadline)
    {
        // As many first bytes as a PROXY header's signature, to name one sent where none is expected.
        byte[] first = new byte[ProxySignature.Version2.Length];
        int n = await _socket.ReceiveAsync(first, SocketFlags.Peek, deadline).ConfigureAwait(false);
        if (n == 0)
        {
            EndBecause("closed during handshake");
            return false;
        }
        if (first[0] != TlsHandshakeRecord)
        {
            if (ProxySignature.StartsHeader(first.AsSpan(0, n))) LogUnexpectedProxyHeader();
            await RefusePlainTextAsync(deadline).ConfigureAwait(false);
            return false;
        }
        bool secured = false;
        // The handshake starts on the pool, not on a socket engine thread. Its steps after each read of the client's
        // flights still run where that read completed (an engine thread): the server's key exchange and signature,
        // about a millisecond, hold up that thread's other connections once per new TLS connection.
        await new ThreadPoolHop();
        try
        {
            await tls.AuthenticateAsServerAsync(_context.Tls!.ServerOptions, deadline).ConfigureAwait(false);
            secured = true;
        }
        catch (Exception ex) when (ex is AuthenticationException || (ex is IOException && !deadline.IsCancellationRequested))
        {
            // An old protocol version, no shared cipher, a client that distrusts the certificate...
            EndBecause("TLS handshake failed");
            _context.SessionLog.LogDebug("{Peer} TLS handshake failed: {Error}", _peer, (ex.InnerException ?? ex).Message);
            return false;
        }
        finally
        {
            // Failed also counts handshakes cut short by handshake-timeout or by the client leaving.
            if (secured) _context.Metrics.TlsHandshakeSucceeded();
            else _context.Metrics.TlsHandshakeFailed();
        }
        _context.SessionLog.LogDebug("{Peer} TLS {Protocol} {Cipher}", _peer, tls.SslProtocol, tls.NegotiatedCipherSuite);
        return true;
    }

    /// <summary>Plain text sent to the TLS port (http:// or ws:// by mistake): a readable 400 in plain text,
    /// rather than TLS alert bytes the client cannot show. What the client sent is read and dropped after
    /// our FIN, so closing does not reset the connection before the answer is read.</summary>
    private async Task RefusePlainTextAsync(CancellationToken deadline)
    {
        _context.Metrics.HandshakeFailed(400);
        EndBecause("plain text on the TLS port");
        _context.SessionLog.LogDebug("{Peer} sent plain text to the TLS port; answered 400", _peer);
        _context.Metrics.BytesSent(PlainTextOnTlsPort.Length);
        await LingeringClose.SendThenDrainAsync(_socket, PlainTextOnTlsPort, maxDrain: 64 * 1024, deadline).ConfigureAwait(false);
    }
}
