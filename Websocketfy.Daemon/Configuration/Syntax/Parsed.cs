namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>A value read from operator text, or the sentence that says why it could not be read.
/// The sentence names the offending text but not where it came from; the caller prefixes
/// "--port", "WEBSOCKETFY_PORT" or "websocketfy.conf:12: port".</summary>
internal readonly struct Parsed<T>
{
    private Parsed(T value, string? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T Value { get; }
    public string? Problem { get; }
    public bool Succeeded => Problem is null;

    public static Parsed<T> Fail(string problem) => new(default!, problem);

    /// <summary>For a value the implicit conversion cannot express (null for "none").</summary>
    public static Parsed<T> Success(T value) => new(value, null);

    public static implicit operator Parsed<T>(T value) => new(value, null);
}
