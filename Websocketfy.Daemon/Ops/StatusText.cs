using Websocketfy.Daemon.Backend;

namespace Websocketfy.Daemon.Ops;

/// <summary>The one-line STATUS= that `systemctl status websocketfy` shows.</summary>
internal static class StatusText
{
    public static string Describe(long connections, SirenStatus siren, StopPhase stop)
    {
        string clients = $"{connections} connection{(connections == 1 ? "" : "s")}";
        if (stop == StopPhase.Draining) return $"draining {clients}";
        if (stop == StopPhase.Announced) return $"stopping: serving {clients} until drain-delay ends, /healthz says draining";
        string backend = siren.State switch
        {
            SirenState.Up => "SiREN up",
            SirenState.Down => $"SiREN down ({siren.LastError})",
            _ => "SiREN not checked yet",
        };
        // One line: sd_notify separates its assignments with newlines.
        return $"serving {clients}, {backend}".ReplaceLineEndings(" ");
    }
}
