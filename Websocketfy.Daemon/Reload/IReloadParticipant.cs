using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Reload;

/// <summary>
/// Something the daemon built from its settings or from files they name (the TLS certificate, the file
/// tree, the SiREN pool, ...) that a reload may have to renew. A reload is all or nothing: every
/// participant first prepares (reads and checks what the new options need, changing nothing live);
/// only when all of them succeeded are the prepared changes committed, else all are abandoned.
/// Later features (tokens file, JWKS keys, audit log) join by implementing this and registering with
/// <see cref="Gateway.AddReloadParticipant"/>.
/// </summary>
public interface IReloadParticipant
{
    /// <summary>Reads and validates what <paramref name="next"/> needs. Must not change anything in use:
    /// a later participant may still refuse the reload. Called on every reload, also when no setting
    /// changed, so files named by unchanged settings are read again (a renewed certificate).</summary>
    ValueTask<ReloadStep> PrepareAsync(GatewayOptions current, GatewayOptions next, CancellationToken ct);
}

/// <summary>What a participant prepared: a change to commit, nothing to do, or the reason the reload
/// must not happen ("tls-key /etc/x.pem: no such file").</summary>
public sealed class ReloadStep
{
    private readonly Action? _commit;
    private readonly Action? _abandon;

    private ReloadStep(Action? commit, Action? abandon, string? problem)
    {
        _commit = commit;
        _abandon = abandon;
        Problem = problem;
    }

    public static ReloadStep Nothing { get; } = new(null, null, null);

    /// <param name="commit">Puts the prepared state in use; must not fail (all checks belong in prepare).</param>
    /// <param name="abandon">Frees what prepare acquired when another participant refused the reload.</param>
    public static ReloadStep Apply(Action commit, Action? abandon = null) => new(commit, abandon, null);

    public static ReloadStep Refuse(string problem) => new(null, null, problem);

    /// <summary>Set when the reload must be refused; the text is logged as the reason.</summary>
    public string? Problem { get; }

    internal void Commit() => _commit?.Invoke();

    internal void Abandon() => _abandon?.Invoke();
}
