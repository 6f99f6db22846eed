using System.Text.Json;

namespace Websocketfy.Protocol.V2;

/// <summary>
/// Reads one v2 request (PROTOCOL-V2.md, "Messages") from a client's text message: a JSON object
/// with an "id", an "op" and the op's fields. Pure and reflection-free: a forward-only
/// <see cref="Utf8JsonReader"/> over the message, bounded nesting, no object model.
/// </summary>
/// <remarks>
/// Every member is read before anything is decided, so a valid id is found wherever it stands and
/// the answer to a bad field can carry it. The rules, in the order they decide the answer:
/// <list type="number">
/// <item>Not readable as one JSON object (syntax error, another kind of value, trailing bytes,
/// nesting deeper than <see cref="MaxNesting"/>): bad_request without id.</item>
/// <item>"id" missing, repeated, or not an integer written without fraction or exponent in
/// 1..2147483647: bad_request without id.</item>
/// <item>"op" missing, not a string, or none of sql/get/stat/cancel; then the op's fields in the
/// order of the table (missing, repeated or of the wrong type): bad_request with the id.</item>
/// </list>
/// Members of other ops and unknown members are ignored (forward compatibility), whatever their
/// value. Member names are case-sensitive, as JSON's are.
/// </remarks>
public static class V2RequestParser
{
    /// <summary>Deepest nesting of objects and arrays accepted, the request object included. Requests
    /// are flat; the margin is for members a later version may add.</summary>
    public const int MaxNesting = 16;

    private const int ShownOpLength = 32;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // One more than accepted, so the reader itself never throws for depth: the loop below does
        // the check and says so in words.
        MaxDepth = MaxNesting + 1,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>The wire name of an op.</summary>
    public static string NameOf(V2Op op) => op switch
    {
        V2Op.Sql => "sql",
        V2Op.Get => "get",
        V2Op.Stat => "stat",
        V2Op.Cancel => "cancel",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static V2ParseResult Parse(ReadOnlySpan<byte> message)
    {
        if (message.TrimStart(" \t\r\n"u8).IsEmpty) return V2ParseResult.Invalid(0, "empty message: a request is one JSON object");
        var fields = new Fields();
        var reader = new Utf8JsonReader(message, ReaderOptions);
        string? unreadable;
        try
        {
            unreadable = ReadObject(ref reader, ref fields);
        }
        catch (JsonException ex)
        {
            // Positions count from 0, as the reader gives them; a request is usually one line.
            unreadable = ex.LineNumber is > 0
                ? $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine} of the line)"
                : $"not valid JSON (error at byte {ex.BytePositionInLine})";
        }
        if (unreadable is not null) return V2ParseResult.Invalid(0, unreadable);
        return Decide(ref fields);
    }

    private static string? ReadObject(ref Utf8JsonReader reader, ref Fields fields)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject) return "not a JSON object: a request is one JSON object";
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Field field = Identify(ref reader);
            reader.Read();
            if (field == Field.Unknown)
            {
                if (SkipValue(ref reader) is { } tooDeep) return tooDeep;
                continue;
            }
            if (!fields.MarkSeen(field))
            {
                fields.Fail(field, $"{Name(field)} is given more than once");
                if (SkipValue(ref reader) is { } tooDeep) return tooDeep;
                continue;
            }
            if (ReadField(ref reader, field, ref fields) is { } tooDeepInField) return tooDeepInField;
        }
        // The object is closed; anything but white space after it makes the message something else.
        if (reader.Read()) return "not a JSON object: bytes follow the request object";
        return null;
    }

    private static Field Identify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("id"u8) ? Field.Id
        : reader.ValueTextEquals("op"u8) ? Field.Op
        : reader.ValueTextEquals("sql"u8) ? Field.Sql
        : reader.ValueTextEquals("path"u8) ? Field.Path
        : reader.ValueTextEquals("offset"u8) ? Field.Offset
        : reader.ValueTextEquals("length"u8) ? Field.Length
        : reader.ValueTextEquals("sha256"u8) ? Field.Sha256
        : reader.ValueTextEquals("target"u8) ? Field.Target
        : Field.Unknown;

    /// <summary>Reads a known member's value (the reader is on it). Returns an error that makes the
    /// whole message unreadable (too deep), else null; a wrong value is recorded on the field.</summary>
    private static string? ReadField(ref Utf8JsonReader reader, Field field, ref Fields fields)
    {
        switch (field)
        {
            case Field.Id:
            case Field.Target:
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int id) && id >= 1)
                {
                    if (field == Field.Id) fields.Id = id; else fields.Target = id;
                    return null;
                }
                fields.Fail(field, $"{Name(field)} must be an integer from 1 to 2147483647");
                return SkipValue(ref reader);
            case Field.Offset:
            case Field.Length:
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long number) && number >= 0)
                {
                    if (field == Field.Offset) fields.Offset = number; else fields.Length = number;
                    return null;
                }
                fields.Fail(field, $"{Name(field)} must be an integer from 0 to 9223372036854775807");
                return SkipValue(ref reader);
            case Field.Sha256:
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    fields.Sha256 = reader.TokenType == JsonTokenType.True;
                    return null;
                }
                fields.Fail(field, "sha256 must be true or false");
                return SkipValue(ref reader);
            default:
                if (reader.TokenType != JsonTokenType.String)
                {
                    fields.Fail(field, $"{Name(field)} must be a string");
                    return SkipValue(ref reader);
                }
                ReadString(ref reader, field, ref fields);
                return null;
        }
    }

    private static void ReadString(ref Utf8JsonReader reader, Field field, ref Fields fields)
    {
        try
        {
            switch (field)
            {
                case Field.Op: fields.Op = reader.GetString(); break;
                case Field.Path: fields.Path = reader.GetString(); break;
                default: fields.Sql = Utf8Bytes(ref reader); break;
            }
        }
        catch (InvalidOperationException)
        {
            // A \uD800-style escape of a lone surrogate: valid JSON, but no Unicode text.
            fields.Fail(field, $"{Name(field)} is not valid Unicode text (a lone surrogate escape)");
        }
    }

    /// <summary>The string's UTF-8 bytes with escapes decoded (what SiREN is sent).</summary>
    private static byte[] Utf8Bytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return reader.ValueSpan.ToArray();
        // Unescaping never makes a string longer than its escaped form.
        byte[] buffer = new byte[reader.ValueSpan.Length];
        int written = reader.CopyString(buffer);
        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Skips the value the reader is on, refusing nesting beyond <see cref="MaxNesting"/>.</summary>
    private static string? SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return null;
        int depth = reader.CurrentDepth;
        do
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > MaxNesting)
                return $"nested deeper than {MaxNesting} levels";
            if (!reader.Read()) throw new JsonException();
        }
        while (reader.CurrentDepth > depth || reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray));
        return null;
    }

    private static V2ParseResult Decide(ref Fields fields)
    {
        if (fields.Problem(Field.Id) is { } badId) return V2ParseResult.Invalid(0, badId);
        if (fields.Id == 0) return V2ParseResult.Invalid(0, "missing id");
        int id = fields.Id;

        if (fields.Problem(Field.Op) is { } badOp) return V2ParseResult.Invalid(id, badOp);
        if (fields.Op is null) return V2ParseResult.Invalid(id, "missing op");
        V2Op? op = fields.Op switch
        {
            "sql" => V2Op.Sql,
            "get" => V2Op.Get,
            "stat" => V2Op.Stat,
            "cancel" => V2Op.Cancel,
            _ => null,
        };
        if (op is null) return V2ParseResult.Invalid(id, $"unknown op \"{Shown(fields.Op)}\" (expected sql, get, stat or cancel)");

        ReadOnlySpan<Field> needed = op switch
        {
            V2Op.Sql => [Field.Sql],
            V2Op.Get => [Field.Path, Field.Offset, Field.Length, Field.Sha256],
            V2Op.Stat => [Field.Path, Field.Sha256],
            _ => [Field.Target],
        };
        foreach (Field field in needed)
        {
            if (fields.Problem(field) is { } bad) return V2ParseResult.Invalid(id, bad);
            if (IsRequired(field) && !fields.Seen(field)) return V2ParseResult.Invalid(id, $"missing {Name(field)}");
        }

        return V2ParseResult.Valid(new V2Request
        {
            Id = id,
            Op = op.Value,
            Sql = fields.Sql ?? [],
            Path = fields.Path ?? "",
            Offset = fields.Offset,
            Length = fields.Seen(Field.Length) ? fields.Length : null,
            Sha256 = fields.Sha256,
            Target = fields.Target,
        });
    }

    private static bool IsRequired(Field field) => field is Field.Sql or Field.Path or Field.Target;

    /// <summary>An unknown op as the answer quotes it: at most 32 characters.</summary>
    private static string Shown(string op) => op.Length <= ShownOpLength ? op : string.Concat(op.AsSpan(0, ShownOpLength), "...");

    private static string Name(Field field) => field switch
    {
        Field.Id => "id",
        Field.Op => "op",
        Field.Sql => "sql",
        Field.Path => "path",
        Field.Offset => "offset",
        Field.Length => "length",
        Field.Sha256 => "sha256",
        Field.Target => "target",
        _ => "?",
    };

    private enum Field { Id, Op, Sql, Path, Offset, Length, Sha256, Target, Unknown }

    /// <summary>What was read of the known members: values, which were seen, the first problem of each.</summary>
    private struct Fields
    {
        private int _seen;
        private string?[]? _problems;

        public int Id;
        public string? Op;
        public byte[]? Sql;
        public string? Path;
        public long Offset;
        public long Length;
        public bool Sha256;
        public int Target;

        public readonly bool Seen(Field field) => (_seen & (1 << (int)field)) != 0;

        /// <summary>False when the member was seen before.</summary>
        public bool MarkSeen(Field field)
        {
            if (Seen(field)) return false;
            _seen |= 1 << (int)field;
            return true;
        }

        public void Fail(Field field, string problem)
        {
            _problems ??= new string?[(int)Field.Unknown];
            _problems[(int)field] ??= problem;
            if (field == Field.Id) Id = 0;
        }

        public readonly string? Problem(Field field) => _problems?[(int)field];
    }
}
