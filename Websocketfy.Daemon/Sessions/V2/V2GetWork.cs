using Microsoft.Extensions.Logging;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>get: finds and opens the file, checks the range, and hands a <see cref="V2Transfer"/> to the
/// outbox behind its start message.</summary>
internal sealed class V2GetWork(V2Connection connection, V2Request request, int bytesIn) : V2Work(connection, request, bytesIn)
{
    public override Task RunAsync()
    {
        var context = Connection.Context;
        if (context.CommandLog.IsEnabled(LogLevel.Debug))
            context.CommandLog.LogDebug("{Peer} v2 {Id} get {Path}", Connection.Peer, Id, Ops.LogText.Escape(Request.Path));
        var file = V2FileLookup.Open(context, Connection.Peer, Request.Path, out string code, out string message, out string cause);
        if (file is null)
        {
            FinishWithError(code, message, cause);
            return Task.CompletedTask;
        }
        long size = file.Version.Size;
        if (Request.Offset > size)
        {
            file.Dispose();
            FinishWithError(V2ErrorCode.BadRange, $"offset {Request.Offset} is beyond the end of the file ({size} bytes)", "offset beyond the end");
            return Task.CompletedTask;
        }
        long length = Math.Min(Request.Length ?? long.MaxValue, size - Request.Offset);
        var transfer = new V2Transfer(this, file, Request.Offset, length);
        var start = V2TextMessage.Of(o => V2Replies.Start(o, Id, file.Facts, Request.Offset, length));
        Connection.Outbox.PostStart(new V2StartMessage(start.Json, transfer, Connection.Outbox), this);
        return Task.CompletedTask;
    }
}
