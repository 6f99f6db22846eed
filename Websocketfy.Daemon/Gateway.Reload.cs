using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Files;
using Websocketfy.Daemon.Network;
using Websocketfy.Daemon.Reload;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon;

/// <summary>What one reload did: whether the new configuration was taken, and if not, why.</summary>
public sealed record ReloadOutcome(bool Applied, string? Problem, IReadOnlyList<string> Changes, IReadOnlyList<string> NeedRestart);

public sealed partial class Gateway
{
    /// <summary>The one way to reload: with the configuration read again (SIGHUP), or the error that reading
    /// it gave ("websocketfy.conf:12: unknown key 'prot'"), which is logged and changes nothing.</summary>
    public Task<ReloadOutcome> ReloadAsync(OptionsResolution resolution, CancellationToken ct = default) =>
        resolution.Options is { } options ? ReloadAsync(options, ct) : Task.FromResult(Refused(resolution.Error!));

    /// <summary>
    /// Puts <paramref name="requested"/> in force for new work, all or nothing. First everything is checked
    /// and prepared (certificate files read, root resolved...) while the old settings keep serving; any
    /// problem is logged and nothing changes. Then each changed setting is logged, those that need a restart
    /// (port, bind, TLS on/off) keep their running value, and the prepared changes are committed. Open
    /// connections carry on; commands already running finish with the settings they started with.
    /// </summary>
    public async Task<ReloadOutcome> ReloadAsync(GatewayOptions requested, CancellationToken ct = default)
    {
        await _reloading.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            GatewayOptions current = _live.Current;
            ReloadPlan plan = ReloadPlan.Compute(current, requested);
            var prepared = new List<ReloadStep>(_reloadParts.Length);
            foreach (PrepareReload prepare in _reloadParts)
            {
                ReloadStep step;
                try
                {
                    step = prepare(current, plan.Next);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    step = ReloadStep.Refuse($"{ex.GetType().Name}: {ex.Message}");
                }
                if (step.Problem is not null)
                {
                    foreach (ReloadStep done in prepared) done.Abandon();
                    return Refused(step.Problem);
                }
                prepared.Add(step);
            }

            foreach (string line in plan.NeedRestart) _log.LogWarning("reload: {Change}", line);
            foreach (string line in plan.Changes) _log.LogInformation("reload: {Change}", line);
            foreach (ReloadStep step in prepared) step.Commit();
            _live.Replace(plan.Next);
            _log.LogInformation("reload complete: {Changed} settings changed, {Ignored} need a restart",
                                plan.Changes.Count, plan.NeedRestart.Count);
            return new ReloadOutcome(true, null, plan.Changes, plan.NeedRestart);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private ReloadOutcome Refused(string problem)
    {
        _log.LogError("reload refused: {Problem}; still serving with the previous configuration", problem);
        return new ReloadOutcome(false, problem, [], []);
    }

    private ReloadStep PrepareFileTree(GatewayOptions current, GatewayOptions next)
    {
        bool sameRoot = current.Root == next.Root;
        FileTree files;
        try
        {
            files = new FileTree(next.Root);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException or ArgumentException)
        {
            // The same root, unusable just now (a share remounting): not a reason to refuse the rest of the
            // reload; /healthz reports it, and the tree in use keeps answering.
            return sameRoot ? ReloadStep.Nothing : ReloadStep.Refuse($"root {next.Root} is not usable: {ex.Message}");
        }
        // The root is resolved once per tree (FileTree.RealRoot). The same configured root may now resolve
        // elsewhere (a symlink pointed at a new directory): the reload is how that is taken up.
        string servedFrom = _context.Files.RealRoot;
        if (sameRoot && files.RealRoot == servedFrom) return ReloadStep.Nothing;
        // Transfers already running keep their open file; new REQUESTs resolve under the new root.
        return ReloadStep.Apply(() =>
        {
            if (sameRoot) _log.LogInformation("reload: root {Root} now leads to {RealRoot} (was {Previous})", next.Root, files.RealRoot, servedFrom);
            _context.Files = files;
            _rootWatch.Follow(next.Root);
        });
    }

    private ReloadStep PrepareOrigins(GatewayOptions current, GatewayOptions next)
    {
        if (current.AllowedOrigins.SequenceEqual(next.AllowedOrigins) && current.RequireOrigin == next.RequireOrigin)
            return ReloadStep.Nothing;
        HandshakePolicy policy = HandshakePolicyFor(next);
        return ReloadStep.Apply(() =>
        {
            _context.HandshakePolicy = policy;
            WarnIfEveryOriginAllowed(next);
        });
    }

    private ReloadStep PrepareSiren(GatewayOptions current, GatewayOptions next) =>
        ReloadStep.Apply(() =>
        {
            if (!_pool.Reconfigure(next) || _stopping.IsCancellationRequested) return;
            // What was known is about the old address: check the new one at once.
            _siren.Forget();
            _ = _sirenWatch.CheckAsync(_stopping.Token);
        });

    /// <summary>The console follows <see cref="GatewayOptions.Console"/> request by request; turning it on says where it is.</summary>
    private ReloadStep PrepareConsole(GatewayOptions current, GatewayOptions next) =>
        current.Console || !next.Console ? ReloadStep.Nothing : ReloadStep.Apply(() => LogConsole(next));

    private static HandshakePolicy HandshakePolicyFor(GatewayOptions options) => new()
    {
        IsOriginAllowed = OriginPolicy.Create(options),
        // Offered by a client that wants it; any other client speaks the classic protocol, as before.
        SupportedSubprotocols = [Protocol.V2.V2Subprotocol.Name],
    };

    private void WarnIfEveryOriginAllowed(GatewayOptions options)
    {
        if (options.AllowedOrigins.Count == 0)
            _log.LogWarning("every browser Origin is allowed; restrict it with --allowed-origins https://viewer.example.org (see websocketfy.conf)");
    }
}
