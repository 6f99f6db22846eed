using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Websocketfy.Daemon.Files;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>stat: size and modification time of a file, and its SHA-256 when asked (from the shared cache
/// when the same version of the file was hashed before).</summary>
internal sealed class V2StatWork(V2Connection connection, V2Request request, int bytesIn) : V2Work(connection, request, bytesIn)
{
    private const int ReadSize = 1024 * 1024;

    public override async Task RunAsync()
    {
        var context = Connection.Context;
        if (context.CommandLog.IsEnabled(LogLevel.Debug))
            context.CommandLog.LogDebug("{Peer} v2 {Id} stat {Path}", Connection.Peer, Id, Ops.LogText.Escape(Request.Path));
        using var file = V2FileLookup.Open(context, Connection.Peer, Request.Path, out string code, out string message, out string cause);
        if (file is null)
        {
            FinishWithError(code, message, cause);
            return;
        }
        byte[] hash = [];
        string how = "";
        if (Request.Sha256)
        {
            if (context.V2.Hashes.TryGet(file.Version, out hash))
            {
                how = ", hash from the cache";
            }
            else
            {
                try { hash = await HashAsync(file).ConfigureAwait(false); }
                catch (OperationCanceledException) when (IsFinished) { return; }
                catch (IOException) { hash = []; }
                // Hashed across a change, the hash belongs to no version of the file.
                if (hash.Length == 0 || !FileVersion.TryOf(file.Handle, out FileVersion after, out _) || after != file.Version)
                {
                    FinishWithError(V2ErrorCode.Changed, "the file changed while it was hashed", "changed while hashed");
                    return;
                }
                context.V2.Hashes.Add(file.Version, hash);
                how = ", hashed";
            }
        }
        Connection.Finish(this, V2TextMessage.Of(o => V2Replies.Stat(o, Id, file.Facts, hash)), "ok", $"{file.Version.Size} bytes{how}");
    }

    private async Task<byte[]> HashAsync(V2OpenFile file)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            long at = 0;
            while (at < file.Version.Size)
            {
                int n = await RandomAccess.ReadAsync(file.Handle, buffer.AsMemory(0, (int)Math.Min(ReadSize, file.Version.Size - at)), at, Stopping).ConfigureAwait(false);
                if (n == 0) return [];
                sha.AppendData(buffer, 0, n);
                at += n;
            }
            return sha.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
