using System.Text;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.V2;

public class V2RequestParserTests
{
    private static V2ParseResult Parse(string json) => V2RequestParser.Parse(Encoding.UTF8.GetBytes(json));

    private static V2Request Valid(string json)
    {
        var result = Parse(json);
        Assert.That(result.IsValid, Is.True, result.Error);
        return result.Request!;
    }

    private static (int Id, string Error) Invalid(string json)
    {
        var result = Parse(json);
        Assert.That(result.IsValid, Is.False, "parsed as valid");
        return (result.ErrorId, result.Error);
    }

    [Test]
    public void Sql_CarriesIdAndTheStatementAsUtf8()
    {
        var request = Valid("""{"id": 7, "op": "sql", "sql": "SELECT * FROM images"}""");

        Assert.That((request.Id, request.Op, Encoding.UTF8.GetString(request.Sql)), Is.EqualTo((7, V2Op.Sql, "SELECT * FROM images")));
    }

    [Test]
    public void Sql_EscapesAreDecodedBeforeRelaying()
    {
        var request = Valid("""{"id": 1, "op": "sql", "sql": "SELECT 'caf\u00e9'\n\t\"x\" \\ \ud83d\ude00"}""");

        Assert.That(Encoding.UTF8.GetString(request.Sql), Is.EqualTo("SELECT 'caf\u00e9'\n\t\"x\" \\ \U0001F600"));
    }

    [Test]
    public void Get_DefaultsToTheWholeFileWithoutHash()
    {
        var request = Valid("""{"op": "get", "path": "study1/img001.dcm", "id": 8}""");

        Assert.That((request.Op, request.Path, request.Offset, request.Length, request.Sha256),
                    Is.EqualTo((V2Op.Get, "study1/img001.dcm", 0L, (long?)null, false)));
    }

    [Test]
    public void Get_TakesOffsetLengthAndSha256()
    {
        var request = Valid("""{"id": 8, "op": "get", "path": "a", "offset": 9223372036854775807, "length": 0, "sha256": true}""");

        Assert.That((request.Offset, request.Length, request.Sha256), Is.EqualTo((long.MaxValue, (long?)0, true)));
    }

    [Test]
    public void Stat_TakesPathAndSha256()
    {
        var request = Valid("""{"id": 9, "op": "stat", "path": "a/b", "sha256": false}""");

        Assert.That((request.Op, request.Path, request.Sha256), Is.EqualTo((V2Op.Stat, "a/b", false)));
    }

    [Test]
    public void Cancel_TakesTarget()
    {
        var request = Valid("""{"id": 10, "op": "cancel", "target": 2147483647}""");

        Assert.That((request.Op, request.Target), Is.EqualTo((V2Op.Cancel, int.MaxValue)));
    }

    [Test]
    public void UnknownMembers_AreIgnoredWhateverTheirValue()
    {
        var request = Valid("""{"id": 1, "x": {"deep": [1, [2, {"a": null}]]}, "op": "stat", "path": "p", "priority": "high"}""");

        Assert.That(request.Op, Is.EqualTo(V2Op.Stat));
    }

    [Test]
    public void MembersOfOtherOps_AreIgnoredEvenWhenMalformed()
    {
        var request = Valid("""{"id": 1, "op": "sql", "sql": "SELECT 1", "offset": "far", "target": -3}""");

        Assert.That(request.Op, Is.EqualTo(V2Op.Sql));
    }

    [Test]
    public void IdAfterABadField_IsStillTheAnswersId()
    {
        Assert.That(Invalid("""{"op": "get", "path": 5, "id": 12}"""), Is.EqualTo((12, "path must be a string")));
    }

    [TestCase("", "empty message: a request is one JSON object", TestName = "EmptyMessage_IsBadRequestWithoutId")]
    [TestCase("   ", "empty message: a request is one JSON object", TestName = "BlankMessage_IsBadRequestWithoutId")]
    [TestCase("[1, 2]", "not a JSON object: a request is one JSON object", TestName = "Array_IsNotARequest")]
    [TestCase("\"sql\"", "not a JSON object: a request is one JSON object", TestName = "String_IsNotARequest")]
    [TestCase("SELECT * FROM images", "not valid JSON (error at byte 0)", TestName = "ClassicCommand_IsNotJson")]
    [TestCase("{\"id\": 1, \"op\": \"sql\", \"sql\": \"x\"", "not valid JSON (error at byte 33)", TestName = "UnclosedObject_IsNotJson")]
    [TestCase("{\"id\": 1,}", "not valid JSON (error at byte 9)", TestName = "TrailingComma_IsNotJson")]
    [TestCase("{\"id\": 1} {\"id\": 2}", "not valid JSON (error at byte 10)", TestName = "TwoObjects_AreNotOneRequest")]
    [TestCase("{\"id\": 1 /* c */}", "not valid JSON (error at byte 9)", TestName = "Comment_IsNotJson")]
    [TestCase("{'id': 1}", "not valid JSON (error at byte 1)", TestName = "SingleQuotes_AreNotJson")]
    public void UnreadableMessages_AreBadRequestWithoutId(string json, string error) =>
        Assert.That(Invalid(json), Is.EqualTo((0, error)));

    [Test]
    public void ErrorOnALaterLine_SaysWhichLine() =>
        Assert.That(Invalid("{\"id\": 1,\n \"op\": x}"), Is.EqualTo((0, "not valid JSON (line 2, byte 7 of the line)")));

    [Test]
    public void NestingOfSixteenLevels_IsAccepted()
    {
        string deep = new string('[', 15) + new string(']', 15);

        Assert.That(Parse($$"""{"id": 1, "op": "cancel", "target": 2, "x": {{deep}}}""").IsValid, Is.True);
    }

    [Test]
    public void NestingOfSeventeenLevels_IsRefusedInWords()
    {
        string deep = new string('[', 16) + new string(']', 16);

        Assert.That(Invalid($$"""{"id": 1, "op": "cancel", "target": 2, "x": {{deep}}}"""), Is.EqualTo((0, "nested deeper than 16 levels")));
    }

    [TestCase("""{"op": "sql", "sql": "x"}""", "missing id", TestName = "MissingId_HasNoId")]
    [TestCase("""{"id": 0, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "IdZero_IsRefused")]
    [TestCase("""{"id": -1, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "NegativeId_IsRefused")]
    [TestCase("""{"id": 2147483648, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "IdAboveInt32_IsRefused")]
    [TestCase("""{"id": 1.0, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "IdWithFraction_IsRefused")]
    [TestCase("""{"id": 1e2, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "IdWithExponent_IsRefused")]
    [TestCase("""{"id": "7", "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "IdAsString_IsRefused")]
    [TestCase("""{"id": null, "op": "sql", "sql": "x"}""", "id must be an integer from 1 to 2147483647", TestName = "NullId_IsRefused")]
    [TestCase("""{"id": 1, "id": 2, "op": "sql", "sql": "x"}""", "id is given more than once", TestName = "RepeatedId_HasNoId")]
    [TestCase("""{"ID": 1, "op": "sql", "sql": "x"}""", "missing id", TestName = "MemberNames_AreCaseSensitive")]
    public void WithoutAValidId_TheAnswerHasNoId(string json, string error) =>
        Assert.That(Invalid(json), Is.EqualTo((0, error)));

    [TestCase("""{"id": 3}""", "missing op", TestName = "MissingOp")]
    [TestCase("""{"id": 3, "op": 1}""", "op must be a string", TestName = "OpNotAString")]
    [TestCase("""{"id": 3, "op": "SQL", "sql": "x"}""", "unknown op \"SQL\" (expected sql, get, stat or cancel)", TestName = "OpIsCaseSensitive")]
    [TestCase("""{"id": 3, "op": "put", "path": "x"}""", "unknown op \"put\" (expected sql, get, stat or cancel)", TestName = "UnknownOp")]
    [TestCase("""{"id": 3, "op": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "unknown op \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" (expected sql, get, stat or cancel)", TestName = "LongUnknownOp_IsShortened")]
    [TestCase("""{"id": 3, "op": "sql"}""", "missing sql", TestName = "SqlWithoutSql")]
    [TestCase("""{"id": 3, "op": "sql", "sql": null}""", "sql must be a string", TestName = "SqlNull")]
    [TestCase("""{"id": 3, "op": "sql", "sql": ["SELECT 1"]}""", "sql must be a string", TestName = "SqlArray")]
    [TestCase("""{"id": 3, "op": "sql", "sql": "a", "sql": "b"}""", "sql is given more than once", TestName = "SqlRepeated")]
    [TestCase("""{"id": 3, "op": "sql", "sql": "\ud800"}""", "sql is not valid Unicode text (a lone surrogate escape)", TestName = "SqlWithLoneSurrogate")]
    [TestCase("""{"id": 3, "op": "get"}""", "missing path", TestName = "GetWithoutPath")]
    [TestCase("""{"id": 3, "op": "get", "path": "a", "offset": -1}""", "offset must be an integer from 0 to 9223372036854775807", TestName = "NegativeOffset")]
    [TestCase("""{"id": 3, "op": "get", "path": "a", "offset": 9223372036854775808}""", "offset must be an integer from 0 to 9223372036854775807", TestName = "OffsetAboveInt64")]
    [TestCase("""{"id": 3, "op": "get", "path": "a", "offset": 1.5}""", "offset must be an integer from 0 to 9223372036854775807", TestName = "FractionalOffset")]
    [TestCase("""{"id": 3, "op": "get", "path": "a", "length": "10"}""", "length must be an integer from 0 to 9223372036854775807", TestName = "LengthAsString")]
    [TestCase("""{"id": 3, "op": "get", "path": "a", "sha256": 1}""", "sha256 must be true or false", TestName = "Sha256AsNumber")]
    [TestCase("""{"id": 3, "op": "get", "path": "\udc00x"}""", "path is not valid Unicode text (a lone surrogate escape)", TestName = "PathWithLoneSurrogate")]
    [TestCase("""{"id": 3, "op": "stat", "sha256": true}""", "missing path", TestName = "StatWithoutPath")]
    [TestCase("""{"id": 3, "op": "stat", "path": "a", "sha256": "yes"}""", "sha256 must be true or false", TestName = "StatSha256AsString")]
    [TestCase("""{"id": 3, "op": "cancel"}""", "missing target", TestName = "CancelWithoutTarget")]
    [TestCase("""{"id": 3, "op": "cancel", "target": 0}""", "target must be an integer from 1 to 2147483647", TestName = "CancelTargetZero")]
    public void WithAValidId_TheAnswerCarriesIt(string json, string error) =>
        Assert.That(Invalid(json), Is.EqualTo((3, error)));

    [Test]
    public void FirstBadFieldOfTheOp_IsTheOneReported()
    {
        Assert.That(Invalid("""{"id": 4, "sha256": 0, "op": "get", "offset": "x", "path": 1}"""),
                    Is.EqualTo((4, "path must be a string")));
    }

    [Test]
    public void PathIsKeptAsSent_TheClassicRulesApplyLater()
    {
        Assert.That(Valid("""{"id": 1, "op": "get", "path": "  ../x "}""").Path, Is.EqualTo("  ../x "));
    }

    [Test]
    public void OpName_IsTheWireName()
    {
        Assert.That(new[] { V2Op.Sql, V2Op.Get, V2Op.Stat, V2Op.Cancel }.Select(V2RequestParser.NameOf),
                    Is.EqualTo(new[] { "sql", "get", "stat", "cancel" }));
    }
}
