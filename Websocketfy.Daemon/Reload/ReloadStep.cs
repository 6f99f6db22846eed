using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Reload;

/// <summary>
/// How something the daemon built from its settings or from files they name (the TLS certificate, the file
/// tree, the SiREN pool, the tokens, the audit log, ...) takes part in a reload, which is all or nothing: every
/// part first prepares (reads and checks what <paramref name="next"/> needs, changing nothing in use, since a
/// later part may still refuse the reload); only when all of them succeeded are the prepared changes
/// committed, else all are abandoned. Called on every reload, also when no setting changed, so files named
/// by unchanged settings are read again (a renewed certificate).
/// </summary>
internal delegate ReloadStep PrepareReload(GatewayOptions current, GatewayOptions next);

/// <summary>What one part prepared: a change to commit, nothing to do, or the reason the reload
/// must not happen ("tls-key /etc/x.pem: no such file").</summary>
internal sealed class ReloadStep
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
    /// <param name="abandon">Frees what prepare acquired when another part refused the reload.</param>
    public static ReloadStep Apply(Action commit, Action? abandon = null) => new(commit, abandon, null);

    public static ReloadStep Refuse(string problem) => new(null, null, problem);

    /// <summary>Set when the reload must be refused; the text is logged as the reason.</summary>
    public string? Problem { get; }

    public void Commit() => _commit?.Invoke();

    public void Abandon() => _abandon?.Invoke();
}
