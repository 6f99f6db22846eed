using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.V2;

public class V2RepliesTests
{
    private static string Written(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static readonly V2FileFacts File = new(564, 1_700_000_000, 250_000_000);

    [Test]
    public void Error_WithoutId_HasIdNull() =>
        Assert.That(Written(o => V2Replies.Error(o, 0, V2ErrorCode.BadRequest, "missing id")),
                    Is.EqualTo("""{"id":null,"ok":false,"error":{"code":"bad_request","message":"missing id"}}"""));

    [Test]
    public void Error_WithId_CarriesIt() =>
        Assert.That(Written(o => V2Replies.Error(o, 5, V2ErrorCode.NotFound, "File not found!")),
                    Is.EqualTo("""{"id":5,"ok":false,"error":{"code":"not_found","message":"File not found!"}}"""));

    [Test]
    public void Error_KeepsNonAsciiTextAsUtf8() =>
        Assert.That(Written(o => V2Replies.Error(o, 5, V2ErrorCode.SirenError, "Command failed.\n[1] 'café'")),
                    Is.EqualTo("""{"id":5,"ok":false,"error":{"code":"siren_error","message":"Command failed.\n[1] 'café'"}}"""));

    [Test]
    public void Ok_IsIdAndOk() =>
        Assert.That(Written(o => V2Replies.Ok(o, 3)), Is.EqualTo("""{"id":3,"ok":true}"""));

    [Test]
    public void Start_HasNoOk() =>
        Assert.That(Written(o => V2Replies.Start(o, 8, File, 100, 464)),
                    Is.EqualTo("""{"id":8,"start":{"size":564,"offset":100,"length":464,"mtime":"2023-11-14T22:13:20.250Z"}}"""));

    [Test]
    public void Done_WithHash_IsLowerCaseHex()
    {
        byte[] hash = SHA256.HashData("abc"u8);

        Assert.That(Written(o => V2Replies.Done(o, 8, 3, hash)),
                    Is.EqualTo("""{"id":8,"ok":true,"done":{"bytes":3,"sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}"""));
    }

    [Test]
    public void Done_WithoutHash_HasNoSha256Member() =>
        Assert.That(Written(o => V2Replies.Done(o, 8, 0, [])), Is.EqualTo("""{"id":8,"ok":true,"done":{"bytes":0}}"""));

    [Test]
    public void Stat_WithoutHash() =>
        Assert.That(Written(o => V2Replies.Stat(o, 9, File, [])),
                    Is.EqualTo("""{"id":9,"ok":true,"stat":{"size":564,"mtime":"2023-11-14T22:13:20.250Z"}}"""));

    [Test]
    public void Mtime_IsUtcWithMilliseconds_TruncatedNotRounded() =>
        Assert.That(new V2FileFacts(0, 0, 999_999_999).ModifiedRfc3339, Is.EqualTo("1970-01-01T00:00:00.999Z"));

    [Test]
    public void Sql_WithACertainSplit_HasTextColumnsAndRows() =>
        Assert.That(Written(o => V2Replies.Sql(o, 7, "id, label\n1, normal\n"u8)),
                    Is.EqualTo("""{"id":7,"ok":true,"text":"id, label\n1, normal\n","columns":["id","label"],"rows":[["1","normal"]]}"""));

    [Test]
    public void Sql_WithAnAmbiguousSplit_SaysSoInsteadOfColumns() =>
        Assert.That(Written(o => V2Replies.Sql(o, 7, "v\nx, y\n"u8)),
                    Is.EqualTo("""{"id":7,"ok":true,"text":"v\nx, y\n","rows_ambiguous":true}"""));

    [Test]
    public void Sql_Empty_HasEmptyColumnsAndRows() =>
        Assert.That(Written(o => V2Replies.Sql(o, 7, ""u8)),
                    Is.EqualTo("""{"id":7,"ok":true,"text":"","columns":[],"rows":[]}"""));
}
