using System.Text.Json;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>A test with tokens for every role and a folder for the audit log, made fresh for each test.</summary>
public abstract class AuditedFixture
{
    internal TokenSet Tokens { get; private set; } = null!;
    private TempTree _dir = null!;

    [SetUp]
    public void MakeTokensAndFolder()
    {
        Tokens = new TokenSet();
        _dir = new TempTree();
    }

    [TearDown]
    public void RemoveTokensAndFolder()
    {
        Tokens.Dispose();
        _dir.Dispose();
    }

    protected string AuditPath => Path.Combine(_dir.Root, "audit.log");

    protected List<JsonElement> Lines() =>
        [.. File.ReadAllLines(AuditPath).Select(line => JsonDocument.Parse(line).RootElement)];

    /// <summary>The named fields of an audit line joined by "|"; a field the line does not have is empty.</summary>
    protected static string Fields(JsonElement line, params string[] names) =>
        string.Join('|', names.Select(n => line.TryGetProperty(n, out var value) ? value.ToString() : ""));
}
