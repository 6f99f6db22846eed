using System.Threading.Channels;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Sessions.V2;

namespace Websocketfy.Daemon.Sessions;

/// <summary>A session upgraded with websocketfy.v2: the same handshake, receiving, keepalive and teardown as a
/// classic one; requests are answered by a <see cref="V2Connection"/> instead of the classic command loop.</summary>
internal sealed partial class Session : IV2Host
{
    private V2Connection? _v2;
    /// <summary>The requests received and not yet taken by the dispatcher, bounded by max-queued-commands.</summary>
    private Channel<ClientMessage>? _v2Requests;

    /// <summary>At the upgrade, when the client chose websocketfy.v2.</summary>
    private void BecomeV2()
    {
        _v2 = new V2Connection(_context, _sender, this);
        _v2Requests = Channel.CreateBounded<ClientMessage>(new BoundedChannelOptions(_maxQueuedCommands)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            // A request handed over while the dispatcher waits starts at once on the receiving thread, instead
            // of being queued to another thread.
            AllowSynchronousContinuations = true,
        });
    }

    private Task RunV2Async() => _v2!.RunAsync(_v2Requests!.Reader);

    private bool EnqueueV2(ClientMessage message)
    {
        if (_v2Requests!.Writer.TryWrite(message)) return true;
        message.Release();
        return false;
    }

    /// <summary>Teardown: the dispatcher's wait for requests ends.</summary>
    private void CompleteV2Requests() => _v2Requests?.Writer.TryComplete();

    /// <summary>Teardown, once the dispatcher has ended: the buffers of the requests never taken go back.</summary>
    private void ReleaseV2Requests()
    {
        if (_v2Requests is null) return;
        while (_v2Requests.Reader.TryRead(out var queued)) queued.Release();
    }

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
