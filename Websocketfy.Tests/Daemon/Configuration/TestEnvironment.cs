namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>Stand-ins for the process environment, so tests never depend on the machine's variables.</summary>
public static class TestEnvironment
{
    public static Func<string, string?> Empty { get; } = _ => null;

    public static Func<string, string?> With(params (string Name, string Value)[] variables)
    {
        var table = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => table.GetValueOrDefault(name);
    }
}
