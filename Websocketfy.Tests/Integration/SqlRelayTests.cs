using System.Net.WebSockets;
using System.Text;
using Websocketfy.SirenDemo;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration;

/// <summary>PROTOCOL.md section 1, SQL commands, against the daemon and the SiREN-protocol peer.</summary>
[TestFixture]
public sealed class SqlRelayTests
{
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _gateway = await GatewayHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _gateway.DisposeAsync();

    [Test]
    public async Task Select_RepliesWithSirensBytes_WithoutThePrompt()
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("SELECT * FROM images");
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(reply.Text, Is.EqualTo(
            "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n" +
            "3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n"));
    }

    [TestCase("SELECT * FROM images WHERE id = 999", TestName = "Empty result")]
    [TestCase("SELECT * FROM no_such_table", TestName = "SQL error of a plain SELECT")]
    public async Task ReplyOfPromptAlone_IsAnEmptyMessage(string sql)
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync(sql);
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(reply.Bytes, Is.Empty);
    }

    [Test]
    public async Task ParserError_IsRelayedAsSirenWroteIt()
    {
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("FOO BAR\n");
        Assert.That(reply.Text, Is.EqualTo("Command failed.\n[1] DESC expected. 'FOO' found instead.\n"));
    }

    [Test]
    public async Task BinaryCommand_GetsBinaryReplyWithSirensBytesUnchanged()
    {
        await using var client = await _gateway.ConnectAsync();
        // SiREN drops the last byte of this reply (it counts UTF-16 units), so the prompt follows "ok" directly.
        var reply = await client.RequestAsync("SELECT 'café' AS v, 'ok' AS w", WebSocketMessageType.Binary);
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(reply.Bytes, Is.EqualTo("v, w\ncafé, ok"u8.ToArray()));
    }

    [Test]
    public async Task TextReply_WithInvalidUtf8_GetsOneReplacementCharacter_BinaryReplyKeepsTheBytes()
    {
        // "v\nx€\n" is 7 bytes but 5 UTF-16 units: SiREN writes 5 bytes, cutting the euro sign after
        // two of its three bytes. A text message must be valid UTF-8; a binary one carries SiREN's bytes.
        await using var client = await _gateway.ConnectAsync();
        var binary = await client.RequestAsync("SELECT 'x€' AS v", WebSocketMessageType.Binary);
        var text = await client.RequestAsync("SELECT 'x€' AS v");
        Assert.That(binary.Bytes, Is.EqualTo(new byte[] { (byte)'v', (byte)'\n', (byte)'x', 0xE2, 0x82 }));
        Assert.That(text.Text, Is.EqualTo("v\nx\uFFFD"));
    }

    [Test]
    public async Task InsertAndSelect_RoundTrip()
    {
        await using var client = await _gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("CREATE TABLE notes (id INTEGER, body TEXT)")).Bytes, Is.Empty);
        Assert.That((await client.RequestAsync("INSERT INTO notes VALUES (1, 'first')")).Bytes, Is.Empty);
        Assert.That((await client.RequestAsync("SELECT body, id FROM notes")).Text, Is.EqualTo("body, id\nfirst, 1\n"));
    }

    [Test]
    public async Task HundredThousandRowReply_IsByteExact()
    {
        byte[] expected = await RawSiren.QueryAsync(_gateway.Siren.Port, "SELECT * FROM huge_images");
        Assert.That(expected.Length, Is.GreaterThan(1_000_000), "the peer's huge table should give a large reply");
        await using var client = await _gateway.ConnectAsync();
        var reply = await client.RequestAsync("SELECT * FROM huge_images", WebSocketMessageType.Binary);
        Assert.That(reply.Bytes, Is.EqualTo(expected));
        Assert.That(Encoding.UTF8.GetString(reply.Bytes).Count(c => c == '\n'), Is.EqualTo(100_001));
    }

    [Test]
    public async Task PipelinedMixedCommands_AreAnsweredInOrder()
    {
        _gateway.Files.Write("one.bin", [1]);
        await using var client = await _gateway.ConnectAsync();
        string[] commands = ["SELECT 1", "REQUEST one.bin", "SELECT 2 AS b, 1 AS a", "  ", "REQUEST missing", "SELECT * FROM images WHERE id = 2"];
        foreach (string command in commands) await client.SendTextAsync(command);
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("1\n1\n"));
        Assert.That((await client.ReceiveAsync()).Bytes, Is.EqualTo(new byte[] { 1 }));
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("a, b\n1, 2\n"));
        Assert.That((await client.ReceiveAsync()).Bytes, Is.Empty);
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("File not found!"));
        Assert.That((await client.ReceiveAsync()).Text, Is.EqualTo("id, label, path\n2, nodule, study1/img002.dcm\n"));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase(";")]
    [TestCase(" ; \n")]
    [TestCase("\r\n")]
    [TestCase("\u00A0\u0085")]
    public async Task BlankCommand_GetsEmptyReply_WithoutContactingSiren(string blank)
    {
        await using var client = await _gateway.ConnectAsync();
        int before = _gateway.Siren.CommandCount;
        var reply = await client.RequestAsync(blank);
        Assert.That(reply.Type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(reply.Bytes, Is.Empty);
        Assert.That(_gateway.Siren.CommandCount, Is.EqualTo(before));
    }

    [Test]
    public async Task CommandIsRelayedUnchanged_InOneWrite()
    {
        await using var client = await _gateway.ConnectAsync();
        string command = "SELECT *\r\n  FROM images WHERE id = 1;\n";
        await client.RequestAsync(command);
        var last = _gateway.Siren.CommandsReceived[^1];
        Assert.That(last.Bytes, Is.EqualTo(Encoding.UTF8.GetBytes(command)));
    }

    [Test]
    public async Task BackendConnections_AreReusedAcrossCommandsAndClients()
    {
        int before = _gateway.Siren.ConnectionCount;
        for (int i = 0; i < 3; i++)
        {
            await using var client = await _gateway.ConnectAsync();
            await client.RequestAsync("SELECT 1");
            await client.RequestAsync("SELECT 2");
        }
        Assert.That(_gateway.Siren.ConnectionCount - before, Is.LessThanOrEqualTo(1));
    }
}

/// <summary>Replies that the peer writes in many small TCP segments still arrive whole and exact.</summary>
[TestFixture]
public sealed class SegmentedReplyTests
{
    [Test]
    public async Task ReplyWrittenOneByteAtATime_IsRelayedExactly()
    {
        await using var gateway = await GatewayHarness.StartAsync(
            peer: new SirenPeerOptions { Fault = SirenFault.SlowBytes, SlowByteDelay = TimeSpan.FromMilliseconds(1) });
        await using var client = await gateway.ConnectAsync();
        var reply = await client.RequestAsync("SELECT * FROM images");
        Assert.That(reply.Text, Is.EqualTo(
            "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n" +
            "3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n"));
    }

    [Test]
    public async Task PromptTextEndingARead_EndsTheReplyEarly_AndTheOutOfStepConnectionIsNotReused()
    {
        // PROTOCOL.md accepts this: a value that is the prompt text, at the end of what one read got, ends
        // the reply there. The rest then arrives on an idle pooled connection, which must be discarded so
        // the next command does not read the leftovers as its reply. The peer holds the rest back until
        // the early reply is in (a slow writer would leave the split to the scheduler: on a busy machine
        // the daemon's read can come late and take the whole reply, which is then relayed whole).
        const string ValueThatIsThePrompt = "v\nSiren::SQL> ";
        await using var gateway = await GatewayHarness.StartAsync(
            peer: new SirenPeerOptions { Fault = SirenFault.HoldMidReply, HoldMidReplyAfterBytes = ValueThatIsThePrompt.Length });
        await using var client = await gateway.ConnectAsync();
        Assert.That((await client.RequestAsync("SELECT 'Siren::SQL> ' AS v")).Text, Is.EqualTo("v\n"));
        gateway.Siren.Fault = SirenFault.None;
        gateway.Siren.ReleaseHeldReply();
        // Only leftovers that have arrived can be seen: the next command waits for the first of them.
        Assert.That(await Wait.UntilAsync(() => TcpTable.UnreadBytesFromPort(gateway.Siren.Port) > 0), Is.True,
                    "the rest of the reply reached the daemon's idle pooled connection");
        Assert.That((await client.RequestAsync("SELECT 1")).Text, Is.EqualTo("1\n1\n"));
    }
}

