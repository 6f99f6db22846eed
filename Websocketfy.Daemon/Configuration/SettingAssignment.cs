namespace Websocketfy.Daemon.Configuration;

/// <summary>One value given for one setting in one place. <see cref="Source"/> prefixes any complaint about
/// the value: "--port", "WEBSOCKETFY_PORT" or "websocketfy.conf:12: port".</summary>
internal readonly record struct SettingAssignment(Setting Setting, string Value, string Source);

/// <summary>Everything one place (command line, environment, config file) says, and the exit code to use
/// when one of its values is refused.</summary>
internal sealed record SettingLayer(IReadOnlyList<SettingAssignment> Assignments, int ExitCodeOnBadValue);
