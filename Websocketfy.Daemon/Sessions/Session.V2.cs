using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Sessions.V2;

namespace Websocketfy.Daemon.Sessions;

/// <summary>A session upgraded with websocketfy.v2: the same handshake, receiving, keepalive and teardown as a
/// classic one; requests are answered by a <see cref="V2Connection"/> instead of the classic command loop.</summary>
internal sealed partial class Session : IV2Host
{
    private V2Connection? _v2;

    private Task RunV2Async() => _v2!.RunAsync(_commands.Reader);

    string IV2Host.Peer => _peer;

    CancellationToken IV2Host.Lifetime => _lifetime.Token;

    async Task IV2Host.CloseAsync(ushort status, string reason)
    {
        try { await CloseAsync(status, reason).ConfigureAwait(false); }
        catch (Exception ex) when (IsConnectionFault(ex)) { Abort(reason); }
    }

    void IV2Host.Abort(string reason) => Abort(reason);

    void IV2Host.SetBusy(bool busy)
    {
        _commandRunning = busy;
        if (!busy) _lastActivityAt = Environment.TickCount64;
    }

    void IV2Host.CountRequest() => Interlocked.Increment(ref _commandCount);

    Identity IV2Host.Identity => _identity;

    string IV2Host.Client => _client.ToString();

    string? IV2Host.CredentialEnded() => CredentialEnded();
}
