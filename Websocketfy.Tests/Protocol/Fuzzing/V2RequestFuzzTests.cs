using System.Text;
using System.Text.Json;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>
/// Fuzz target for the v2 request parser (<see cref="V2RequestParser"/>): seeded cases, each a
/// generated request (members in any order, unknown members, odd whitespace and escapes) that is
/// left whole or mutated (bytes flipped, cut, spliced, JSON fragments and deep nesting inserted).
/// The oracle: the parser never throws, always answers valid or bad_request with a reason, gives the
/// same answer twice, accepts every unmutated request with exactly its fields, and never accepts
/// what System.Text.Json's own document reader would read differently (or not at all) when the
/// message is valid UTF-8, as every message that reaches the parser in the daemon is.
/// A failure names its seed and case; the case replays alone from those two numbers.
/// </summary>
public sealed class V2RequestFuzzTests
{
    private const ulong Stream = 0x76325F726571; // "v2_req"
    private const int CasesPerSeed = 5_000;

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    [TestCase(4UL)]
    public void SeededCases_HoldTheOracle(ulong seed)
    {
        var outcomes = new Dictionary<string, int>();
        for (long i = 0; i < CasesPerSeed; i++)
        {
            string outcome = RunCase(seed, i);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        TestContext.Progress.WriteLine($"seed {seed}: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        // The generator must reach both sides of the parser, or the oracle checks little.
        Assert.That(outcomes.GetValueOrDefault("valid"), Is.GreaterThan(CasesPerSeed / 10));
        Assert.That(outcomes.GetValueOrDefault("invalid without id") + outcomes.GetValueOrDefault("invalid with id"), Is.GreaterThan(CasesPerSeed / 10));
    }

    /// <summary>Runs one case; returns how it ended, or fails the test with its reproducer.</summary>
    private static string RunCase(ulong seed, long index)
    {
        var random = FuzzRandom.ForCase(seed, Stream, index);
        var generated = Generate(ref random);
        byte[] bytes = Encoding.UTF8.GetBytes(generated.Json);
        bool mutated = random.Percent(60);
        if (mutated) bytes = Mutate(ref random, bytes);

        string where = $"seed {seed} case {index}: {Convert.ToHexString(bytes)}\n{Encoding.UTF8.GetString(bytes)}";
        V2ParseResult result, again;
        try
        {
            result = V2RequestParser.Parse(bytes);
            again = V2RequestParser.Parse(bytes);
        }
        catch (Exception e)
        {
            Assert.Fail($"the parser threw {e.GetType().Name}: {e.Message}\n{where}");
            throw;
        }

        Assert.That(Describe(again), Is.EqualTo(Describe(result)), "the same answer twice\n" + where);
        if (!result.IsValid)
        {
            Assert.That(result.Error, Is.Not.Empty, "a bad_request says what is wrong\n" + where);
            Assert.That(result.ErrorId, Is.InRange(0, int.MaxValue), where);
            Assert.That(mutated, Is.True, $"an unmutated request was refused: {result.Error}\n{where}");
            return result.ErrorId == 0 ? "invalid without id" : "invalid with id";
        }

        var request = result.Request!;
        if (!mutated) Assert.That(Describe(request), Is.EqualTo(generated.Expected), "the fields as generated\n" + where);
        // The daemon closes with 1007 before a message of invalid UTF-8 reaches the parser; such bytes
        // only have to leave it unharmed, and the document reader would refuse them where the parser need not.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) return "valid (not UTF-8)";
        Assert.That(Describe(request), Is.EqualTo(ReadWithJsonDocument(bytes, request.Op)), "System.Text.Json's document reads the same request\n" + where);
        return "valid";
    }

    private sealed record Generated(string Json, string Expected);

    private static readonly string[] Ops = ["sql", "get", "stat", "cancel"];
    private static readonly string[] Texts = ["SELECT * FROM images", "", "study1/img001.dcm", "é ü ∑ 😀", "a\"b\\c", "tab\there", "x, y", "../etc/passwd", "\u0001"];

    private static Generated Generate(ref FuzzRandom random)
    {
        int id = random.Percent(10) ? (random.Percent(50) ? 1 : int.MaxValue) : random.Between(1, 100_000);
        string op = Ops[random.Below(Ops.Length)];
        var members = new List<(string Name, string Value)> { ("id", id.ToString()), ("op", Quote(ref random, op)) };
        string expected;
        switch (op)
        {
            case "sql":
            {
                string sql = Texts[random.Below(Texts.Length)];
                members.Add(("sql", Quote(ref random, sql)));
                expected = $"{id} Sql sql={sql}";
                break;
            }
            case "cancel":
            {
                int target = random.Between(1, 100_000);
                members.Add(("target", target.ToString()));
                expected = $"{id} Cancel target={target}";
                break;
            }
            default:
            {
                string path = Texts[random.Below(Texts.Length)];
                members.Add(("path", Quote(ref random, path)));
                bool sha = random.Percent(50);
                if (sha || random.Percent(30)) members.Add(("sha256", sha ? "true" : "false"));
                if (op == "get")
                {
                    long offset = random.Percent(50) ? 0 : random.Below(int.MaxValue) * 4L;
                    if (offset != 0 || random.Percent(30)) members.Add(("offset", offset.ToString()));
                    long? length = random.Percent(50) ? null : random.Below(int.MaxValue);
                    if (length is not null) members.Add(("length", length.Value.ToString()));
                    expected = $"{id} Get path={path} offset={offset} length={length?.ToString() ?? "-"} sha256={sha}";
                }
                else expected = $"{id} Stat path={path} sha256={sha}";
                break;
            }
        }
        // Unknown members, whatever their value, are ignored.
        string[] unknown = ["\"v\":3", "\"x\":{\"a\":[1,2,{\"b\":null}]}", "\"note\":\"hi\"", "\"ID\":5", "\"flags\":[true,false]"];
        for (int n = random.Below(3); n > 0; n--)
        {
            string member = unknown[random.Below(unknown.Length)];
            int colon = member.IndexOf(':');
            members.Add((member[1..(colon - 1)], member[(colon + 1)..]));
        }
        // Any order.
        for (int i = members.Count - 1; i > 0; i--)
        {
            int j = random.Below(i + 1);
            (members[i], members[j]) = (members[j], members[i]);
        }
        var json = new StringBuilder("{");
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0) json.Append(',');
            json.Append(Space(ref random)).Append('"').Append(members[i].Name).Append('"').Append(Space(ref random)).Append(':')
                .Append(Space(ref random)).Append(members[i].Value).Append(Space(ref random));
        }
        return new Generated(json.Append('}').ToString(), expected);
    }

    private static string Space(ref FuzzRandom random) => random.Percent(80) ? "" : new[] { " ", "\n", "\t ", "\r\n  " }[random.Below(4)];

    /// <summary>A JSON string for the text, sometimes with every character \u-escaped.</summary>
    private static string Quote(ref FuzzRandom random, string text) => random.Percent(20)
        ? "\"" + string.Concat(text.Select(c => $"\\u{(int)c:x4}")) + "\""
        : JsonSerializer.Serialize(text, JsonContext.Default.String);

    private static byte[] Mutate(ref FuzzRandom random, byte[] bytes)
    {
        var list = new List<byte>(bytes);
        string[] fragments = ["{", "}", "[", "]", ",", ":", "\"", "\\", "null", "1e3", "-0", "2147483648", "0.5", "\"id\":2,", "\"op\":\"get\",", "[[[[[[[[[[[[[[[[[[", "\uFFFF", "\u00e9"];
        for (int n = random.Between(1, 4); n > 0; n--)
        {
            int at = list.Count == 0 ? 0 : random.Below(list.Count + 1);
            switch (random.Below(5))
            {
                case 0 when list.Count > 0: list[Math.Min(at, list.Count - 1)] ^= (byte)(1 << random.Below(8)); break;
                case 1: list.RemoveRange(at, list.Count - at); break;
                case 2 when list.Count > 0: list.RemoveAt(Math.Min(at, list.Count - 1)); break;
                case 3: list.InsertRange(at, Encoding.UTF8.GetBytes(fragments[random.Below(fragments.Length)])); break;
                default:
                    int depth = random.Between(10, 40);
                    list.InsertRange(at, Encoding.UTF8.GetBytes("\"deep\":" + new string('[', depth) + new string(']', depth) + ","));
                    break;
            }
        }
        return [.. list];
    }

    private static string Describe(V2ParseResult result) =>
        result.IsValid ? "valid " + Describe(result.Request!) : $"invalid {result.ErrorId} {result.Error}";

    private static string Describe(V2Request r) => r.Op switch
    {
        V2Op.Sql => $"{r.Id} Sql sql={Encoding.UTF8.GetString(r.Sql)}",
        V2Op.Cancel => $"{r.Id} Cancel target={r.Target}",
        V2Op.Get => $"{r.Id} Get path={r.Path} offset={r.Offset} length={r.Length?.ToString() ?? "-"} sha256={r.Sha256}",
        _ => $"{r.Id} Stat path={r.Path} sha256={r.Sha256}",
    };

    /// <summary>The same request as System.Text.Json's document reader sees it; a document it cannot
    /// read (or reads as something else) gives a text no valid request describes.</summary>
    private static string ReadWithJsonDocument(byte[] bytes, V2Op op)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = V2RequestParser.MaxNesting + 1 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "not an object";
            int id = root.GetProperty("id").GetInt32();
            string? Text(string name) => root.TryGetProperty(name, out var v) ? v.GetString() : null;
            long Number(string name, long absent) => root.TryGetProperty(name, out var v) ? v.GetInt64() : absent;
            bool Sha() => root.TryGetProperty("sha256", out var v) && v.GetBoolean();
            if (Text("op") != V2RequestParser.NameOf(op)) return "another op: " + Text("op");
            return op switch
            {
                V2Op.Sql => $"{id} Sql sql={Text("sql")}",
                V2Op.Cancel => $"{id} Cancel target={root.GetProperty("target").GetInt32()}",
                V2Op.Get => $"{id} Get path={Text("path")} offset={Number("offset", 0)} length={(root.TryGetProperty("length", out var l) ? l.GetInt64().ToString() : "-")} sha256={Sha()}",
                _ => $"{id} Stat path={Text("path")} sha256={Sha()}",
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return "System.Text.Json: " + e.GetType().Name + " " + e.Message;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext;
