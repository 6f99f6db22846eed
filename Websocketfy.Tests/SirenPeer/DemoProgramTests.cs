using System.Net;
using System.Net.Sockets;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.SirenPeer;

public sealed class DemoProgramTests
{
    [Test]
    public void NoArguments_GiveTheDocumentedDefaults()
    {
        DemoArguments? parsed = DemoArguments.Parse([], out _);
        Assert.That(parsed, Is.EqualTo(new DemoArguments { Port = 3434, Bind = IPAddress.Loopback, DatabasePath = null }));
    }

    [Test]
    public void Options_TakeTheirValueFromTheNextWord()
    {
        DemoArguments? parsed = DemoArguments.Parse(["--port", "4000", "--bind", "::1", "--db", "/tmp/x.db"], out _);
        Assert.That(parsed, Is.EqualTo(new DemoArguments { Port = 4000, Bind = IPAddress.IPv6Loopback, DatabasePath = "/tmp/x.db" }));
    }

    [Test]
    public void Options_TakeTheirValueAfterAnEqualsSign()
    {
        Assert.That(DemoArguments.Parse(["--port=0"], out _)!.Port, Is.Zero);
    }

    [TestCase(new[] { "--port", "65536" }, "--port must be", TestName = "PortAboveRange_IsRefused")]
    [TestCase(new[] { "--port", "-1" }, "--port must be", TestName = "NegativePort_IsRefused")]
    [TestCase(new[] { "--port", "http" }, "--port must be", TestName = "NonNumericPort_IsRefused")]
    [TestCase(new[] { "--bind", "localhost" }, "--bind must be an IP address", TestName = "HostNameForBind_IsRefused")]
    [TestCase(new[] { "--db" }, "--db needs a value", TestName = "OptionWithoutValue_IsRefused")]
    [TestCase(new[] { "--db=" }, "--db needs a file path", TestName = "EmptyDatabasePath_IsRefused")]
    [TestCase(new[] { "--verbose" }, "unknown argument '--verbose'", TestName = "UnknownOption_IsRefused")]
    [TestCase(new[] { "3434" }, "unknown argument '3434'", TestName = "BareWord_IsRefused")]
    public void BadArguments_AreRefusedWithAReason(string[] args, string reason)
    {
        Assert.That(DemoArguments.Parse(args, out string error), Is.Null);
        Assert.That(error, Does.StartWith(reason));
    }

    [Test]
    public async Task BadArguments_ExitWithUsageCode64()
    {
        var log = new StringWriter();
        int code = await DemoProgram.RunAsync(["--nope"], log, CancellationToken.None);
        Assert.That(code, Is.EqualTo(64));
        Assert.That(log.ToString(), Does.Contain("unknown argument '--nope'").And.Contain("usage: siren-demo"));
    }

    [Test]
    public async Task Help_PrintsUsageAndExitsZero()
    {
        var log = new StringWriter();
        Assert.That(await DemoProgram.RunAsync(["--help"], log, CancellationToken.None), Is.Zero);
        Assert.That(log.ToString(), Does.StartWith("usage: siren-demo"));
    }

    [Test]
    public async Task PortInUse_ExitsWithCode69()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int port = ((IPEndPoint)occupant.LocalEndPoint!).Port;

        var log = new StringWriter();
        int code = await DemoProgram.RunAsync(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], log, CancellationToken.None);
        Assert.That(code, Is.EqualTo(69));
        Assert.That(log.ToString(), Does.Contain("cannot listen"));
    }

    [Test]
    public async Task Demo_ServesSeededDataLogsAndStopsOnCancel()
    {
        var log = new StringWriter();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<SirenPeerServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> run = DemoProgram.RunAsync(["--port", "0"], log, stop.Token, server => started.SetResult(server));
        SirenPeerServer server = await started.Task.WaitAsync(RawSirenClient.DefaultWait);

        await using (RawSirenClient client = await RawSirenClient.ConnectAsync(server.EndPoint))
        {
            await client.WaitForBytesAsync(12);
            await client.SendAsync("SELECT count(*) AS n FROM big_images\n");
            await client.WaitForEndingAsync("\nSiren::SQL> ");
            Assert.That(client.ReceivedText, Is.EqualTo("Siren::SQL> n\n2000\nSiren::SQL> "));
        }

        await stop.CancelAsync();
        Assert.That(await run.WaitAsync(RawSirenClient.DefaultWait), Is.Zero);
        string text = log.ToString();
        Assert.That(text, Does.Contain($"siren-demo: listening on 127.0.0.1:{server.Port}, database in memory"));
        Assert.That(text, Does.Contain("siren-demo: connection 1 command SELECT count(*) AS n FROM big_images\\n"));
        Assert.That(text, Does.Contain("siren-demo: stopping"));
    }
}
