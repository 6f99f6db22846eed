namespace Websocketfy.Daemon.Configuration;

/// <summary>Settings from WEBSOCKETFY_* environment variables (systemd Environment=, containers).</summary>
internal static class EnvironmentLayer
{
    public const string ConfigVariable = Setting.EnvironmentVariablePrefix + "CONFIG";

    /// <summary>An empty variable counts as unset: unit files and compose files often define
    /// "WEBSOCKETFY_X=" as a placeholder.</summary>
    public static SettingLayer Read(Func<string, string?> getEnvironment)
    {
        var assignments = new List<SettingAssignment>();
        foreach (Setting setting in SettingCatalog.All)
        {
            string? value = getEnvironment(setting.EnvironmentVariable);
            if (!string.IsNullOrEmpty(value))
                assignments.Add(new SettingAssignment(setting, value.Trim(), setting.EnvironmentVariable));
        }
        return new SettingLayer(assignments, ExitCodes.Config);
    }

    public static string? ConfigPath(Func<string, string?> getEnvironment)
    {
        string? path = getEnvironment(ConfigVariable);
        return string.IsNullOrEmpty(path) ? null : path;
    }
}
