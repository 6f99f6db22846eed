namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>A setting whose values are words from a fixed table, any case. A table rather than Enum.Parse:
/// it also refuses numbers ("2") and comma lists, and can give one value several names.</summary>
internal sealed class NameTable<T>(string what, string names, (string Name, T Value)[] table) where T : struct, Enum
{
    /// <summary>The names as --help lists them.</summary>
    public string Names => names;

    public Parsed<T> Parse(string text)
    {
        foreach ((string name, T value) in table)
        {
            if (text.Equals(name, StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return Parsed<T>.Fail($"'{text}' is not {what} ({names})");
    }

    /// <summary>The first name of <paramref name="value"/>, read back unchanged by <see cref="Parse"/>.</summary>
    public string Format(T value)
    {
        foreach ((string name, T candidate) in table)
        {
            if (EqualityComparer<T>.Default.Equals(candidate, value))
                return name;
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(T).Name} value");
    }
}
