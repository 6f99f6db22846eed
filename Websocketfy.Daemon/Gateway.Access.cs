using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Audit;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Reload;

namespace Websocketfy.Daemon;

/// <summary>Who may connect and the audit trail, as reload participants: SIGHUP re-reads the tokens file or
/// the JWT keys (and any changed --auth, --role, --jwt-* setting) and re-opens the audit log (logrotate).
/// A file with a mistake refuses the whole reload, so what worked stays in force.</summary>
public sealed partial class Gateway
{
    private ReloadStep PrepareAccess(GatewayOptions current, GatewayOptions next)
    {
        AccessControl access;
        try { access = AccessControl.Create(next, Metrics, _authLimiter, _context.Clock); }
        catch (AuthSetupException ex) { return ReloadStep.Refuse(ex.Message); }
        return ReloadStep.Apply(() =>
        {
            _context.Access = access;
            _log.LogInformation("reload: {Access}", access.Describe());
            WarnIfOpenWithoutAuth(next);
            // Connections whose credential the new tokens or keys no longer accept end after their command in flight.
            if (access.Mode != AuthMode.None) _ = _registry.RecheckCredentialsAsync(access);
        });
    }

    private ReloadStep PrepareAudit(GatewayOptions current, GatewayOptions next)
    {
        AuditLog? running = _context.Audit;
        if (next.AuditLog is null)
            return running is null ? ReloadStep.Nothing : ReloadStep.Apply(() => Retire(running));
        try
        {
            if (running is not null && running.Path == next.AuditLog)
            {
                FileStream fresh = AuditLog.OpenFile(next.AuditLog);
                return ReloadStep.Apply(() =>
                {
                    running.UseFile(fresh);
                    _log.LogInformation("reload: audit log {Path} re-opened", next.AuditLog);
                }, fresh.Dispose);
            }
            AuditLog created = AuditLog.Open(next.AuditLog, Metrics, _auditLog);
            return ReloadStep.Apply(() =>
            {
                _context.Audit = created;
                if (running is not null) Retire(running);
                _log.LogInformation("reload: audit trail now in {Path}", next.AuditLog);
            }, () => _ = created.CompleteAsync());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ReloadStep.Refuse($"audit log {next.AuditLog} cannot be opened: {ex.Message}");
        }
    }

    /// <summary>An audit log no longer in use still writes what was queued for it.</summary>
    private static void Retire(AuditLog audit) => _ = audit.CompleteAsync();

    private void WarnIfOpenWithoutAuth(GatewayOptions options)
    {
        if (options.Auth == AuthMode.None && !System.Net.IPAddress.IsLoopback(options.Bind))
            _log.LogWarning("no authentication on {Address}, which is not a loopback address: anyone who reaches the port can run "
                            + "any SQL and read every file; use --auth token or --auth jwt (see README, Securing it)", options.Bind);
    }
}
