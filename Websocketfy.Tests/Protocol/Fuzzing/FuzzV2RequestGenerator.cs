using System.Text;
using System.Text.Json;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>One v2 request case: the text message's bytes, and for an unmutated request the fields the
/// parser must read from it.</summary>
/// <param name="Expected">The request as <see cref="FuzzV2RequestOracle"/> describes it; null once mutated.</param>
internal sealed record V2RequestFuzzInput(byte[] Bytes, string? Expected)
{
    public string Parameters => Expected is null ? "mutated" : "unmutated, expected " + Expected;
}

/// <summary>
/// Cases for the v2 request parser: a generated request (members in any order, unknown members, odd
/// whitespace and escapes), left whole or (60 %) mutated: bytes flipped, cut, spliced, JSON fragments
/// and deep nesting inserted. Each case comes from (seed, case index) alone.
/// </summary>
internal static class FuzzV2RequestGenerator
{
    private const ulong Stream = 0x76325F726571; // "v2_req"

    public static V2RequestFuzzInput Generate(ulong seed, long caseIndex)
    {
        var random = FuzzRandom.ForCase(seed, Stream, caseIndex);
        var (json, expected) = Generate(ref random);
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        if (!random.Percent(60)) return new V2RequestFuzzInput(bytes, expected);
        return new V2RequestFuzzInput(Mutate(ref random, bytes), null);
    }

    private static readonly string[] Ops = ["sql", "get", "stat", "cancel"];
    private static readonly string[] Texts = ["SELECT * FROM images", "", "study1/img001.dcm", "é ü ∑ 😀", "a\"b\\c", "tab\there", "x, y", "../etc/passwd", "\u0001"];

    private static (string Json, string Expected) Generate(ref FuzzRandom random)
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
        return (json.Append('}').ToString(), expected);
    }

    private static string Space(ref FuzzRandom random) => random.Percent(80) ? "" : new[] { " ", "\n", "\t ", "\r\n  " }[random.Below(4)];

    /// <summary>A JSON string for the text, sometimes with every character \u-escaped.</summary>
    private static string Quote(ref FuzzRandom random, string text) => random.Percent(20)
        ? "\"" + string.Concat(text.Select(c => $"\\u{(int)c:x4}")) + "\""
        : "\"" + JsonEncodedText.Encode(text).ToString() + "\"";

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
}
