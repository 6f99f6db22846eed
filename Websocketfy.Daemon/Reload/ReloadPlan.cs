using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Reload;

/// <summary>
/// What a reload will do with newly read options, worked out before anything changes: the options to
/// put in force (settings that need a restart keep their running value), and one line for the log per
/// changed setting. Pure: options in, plan out.
/// </summary>
internal sealed record ReloadPlan(GatewayOptions Next, IReadOnlyList<string> Changes, IReadOnlyList<string> NeedRestart)
{
    public static ReloadPlan Compute(GatewayOptions current, GatewayOptions requested)
    {
        var changes = new List<string>();
        var needRestart = new List<string>();
        GatewayOptions next = requested;

        // Whether the port speaks TLS is decided once: a reload that lost the certificate lines must not
        // turn a wss:// port into plain text, and one that gained them would break every ws:// client.
        if (IsTls(current) != IsTls(requested))
        {
            needRestart.Add(IsTls(current)
                ? "TLS turned off (tls-certificate and tls-key unset) needs a restart; still serving TLS with the running certificate"
                : "TLS turned on (tls-certificate and tls-key set) needs a restart; still serving plain ws://");
            next = next with { TlsCertificate = current.TlsCertificate, TlsKey = current.TlsKey };
        }

        foreach (Setting setting in SettingCatalog.All)
        {
            string was = setting.Format(current);
            string now = setting.Format(next);
            if (was == now) continue;
            if (setting.ReloadsLive)
            {
                changes.Add($"{setting.Key} changed from {Shown(was)} to {Shown(now)}");
            }
            else
            {
                needRestart.Add($"{setting.Key} changed from {Shown(was)} to {Shown(now)}: that needs a restart; still {Shown(was)}");
                next = setting.CopyValue(current, next);
            }
        }
        return new ReloadPlan(next, changes, needRestart);
    }

    public static bool IsTls(GatewayOptions options) => options.TlsCertificate is not null && options.TlsKey is not null;

    private static string Shown(string value) => value.Length == 0 ? "(none)" : value;
}
