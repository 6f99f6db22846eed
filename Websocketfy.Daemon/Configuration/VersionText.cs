using System.Reflection;

namespace Websocketfy.Daemon.Configuration;

/// <summary>What --version prints: "websocketfy 0.1.0+1a2b3c4", the informational version the build
/// stamps into the assembly (the SDK appends the source revision when it knows it).</summary>
public static class VersionText
{
    public static string Version { get; } =
        typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionText).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static string Line { get; } = "websocketfy " + Version;
}
