using System.Net;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Network;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Network;

[TestFixture]
public sealed class ListenerTests
{
    /// <summary>Shutdown closes the listening socket under a pending accept. Depending on the moment that
    /// surfaces as ObjectDisposedException or as SocketException (OperationAborted); either way the loop
    /// must end quietly, not log an accept failure, retry, or fault (it read the closed socket's port to log it).</summary>
    [Test]
    public async Task ClosedUnderAPendingAccept_TheLoopEndsQuietly()
    {
        var lines = new OutputLines("listener log");
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(new LogToLines(lines)));
        ILogger log = loggers.CreateLogger("listener");
        // Many times: which of the two exceptions comes depends on where the accept is when the socket closes.
        for (int i = 0; i < 200; i++)
        {
            var listener = Listener.Bind(IPAddress.Loopback, 0, backlog: 16);
            Task loop = listener.AcceptLoopAsync(socket => socket.Dispose(), log, CancellationToken.None);
            listener.Dispose();
            await loop.WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.That(lines.SoFar, Does.Not.Contain("accept on port"));
    }
}
