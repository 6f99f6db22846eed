using System.Text;
using System.Text.Json;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>
/// The contract of <see cref="V2RequestParser"/> on any text message: it never throws, answers valid
/// or bad_request with a reason (and an id in range), gives the same answer twice, accepts every
/// unmutated request with exactly its fields, and never accepts what System.Text.Json's own document
/// reader would read differently (or not at all) when the message is valid UTF-8, as every message
/// that reaches the parser in the daemon is.
/// </summary>
internal static class FuzzV2RequestOracle
{
    /// <summary>Null when the case keeps the contract, else what broke. <paramref name="outcome"/>: "valid",
    /// "valid (not UTF-8)", "invalid with id" or "invalid without id".</summary>
    public static string? Check(V2RequestFuzzInput input, out string outcome)
    {
        outcome = "exception";
        byte[] bytes = input.Bytes;
        V2ParseResult result = V2RequestParser.Parse(bytes);
        V2ParseResult again = V2RequestParser.Parse(bytes);
        if (Describe(again) != Describe(result)) return $"two answers to the same bytes: {Describe(result)} / {Describe(again)}";
        if (!result.IsValid)
        {
            outcome = result.ErrorId == 0 ? "invalid without id" : "invalid with id";
            if (string.IsNullOrEmpty(result.Error)) return "a bad_request that does not say what is wrong";
            if (result.ErrorId < 0) return $"a bad_request with id {result.ErrorId}";
            if (input.Expected is not null) return $"an unmutated request was refused: {result.Error}";
            return null;
        }

        var request = result.Request!;
        outcome = "valid";
        if (input.Expected is not null && Describe(request) != input.Expected)
            return $"read as {Describe(request)}, generated as {input.Expected}";
        // The daemon closes with 1007 before a message of invalid UTF-8 reaches the parser; such bytes
        // only have to leave it unharmed, and the document reader would refuse them where the parser need not.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            outcome = "valid (not UTF-8)";
            return null;
        }
        string document = ReadWithJsonDocument(bytes, request.Op);
        return Describe(request) == document ? null : $"read as {Describe(request)}; System.Text.Json's document reads {document}";
    }

    private static string Describe(V2ParseResult result) =>
        result.IsValid ? "valid " + Describe(result.Request!) : $"invalid {result.ErrorId} {result.Error}";

    public static string Describe(V2Request r) => r.Op switch
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
