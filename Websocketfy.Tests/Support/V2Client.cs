using System.Diagnostics;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Support;

/// <summary>One message from a websocketfy.v2 server: a JSON text message, or a data message (chunk) whose
/// 12-byte prefix is read into <see cref="Id"/> and <see cref="Offset"/>; its <see cref="Data"/> is valid until the
/// next receive. <see cref="At"/> is when it was read.</summary>
public sealed record V2Incoming(JsonNode? Json, int Id, long Offset, ReadOnlyMemory<byte> Data, TimeSpan At, WebSocketCloseStatus? CloseStatus = null)
{
    public bool IsChunk => Json is null && CloseStatus is null;
    public int DataLength => Data.Length;
    public bool IsClose => CloseStatus is not null;
    public bool IsFinal => Json?["ok"] is not null;
    public int? JsonId => Json?["id"]?.GetValue<int>();
    public string? ErrorCode => Json?["error"]?["code"]?.GetValue<string>();

    public override string ToString() =>
        IsClose ? $"close {(int)CloseStatus!}" : IsChunk ? $"chunk {Id}@{Offset}+{DataLength}" : Json!.ToJsonString();
}

/// <summary>What arrived for one get: its start, its bytes (hashed, and kept when asked), its final message.</summary>
public sealed class V2Download
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly MemoryStream? _kept;

    public V2Download(bool keepBytes) => _kept = keepBytes ? new MemoryStream() : null;

    public JsonNode? Start { get; set; }
    public JsonNode? Final { get; set; }
    public long Bytes { get; private set; }
    public int Chunks { get; private set; }
    public long NextOffset { get; set; } = -1;
    public string? Problem { get; private set; }
    public byte[] Kept => _kept?.ToArray() ?? throw new InvalidOperationException("bytes not kept");
    public string Sha256Hex => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Add(V2Incoming chunk)
    {
        if (Start is null) Problem ??= $"chunk at {chunk.Offset} before the start message";
        if (Final is not null) Problem ??= $"chunk at {chunk.Offset} after the final message";
        if (NextOffset >= 0 && chunk.Offset != NextOffset) Problem ??= $"chunk at {chunk.Offset}, expected {NextOffset}";
        NextOffset = chunk.Offset + chunk.DataLength;
        _hash.AppendData(chunk.Data.Span);
        _kept?.Write(chunk.Data.Span);
        Bytes += chunk.DataLength;
        Chunks++;
    }
}

/// <summary>A websocketfy.v2 client over .NET's ClientWebSocket, for tests: sends requests as JSON text,
/// reads messages one at a time, and follows downloads without keeping their bytes unless asked.</summary>
public sealed class V2Client : IAsyncDisposable
{
    private readonly WsClient _client;
    private readonly ClientWebSocket _socket;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private byte[] _buffer = new byte[1024 * 1024];

    private V2Client(WsClient client)
    {
        _client = client;
        _socket = client.Socket;
    }

    public ClientWebSocket Socket => _socket;

    /// <summary>Time since the client was made, the clock of <see cref="V2Incoming.At"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public static Task<V2Client> ConnectAsync(int port, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), configure);

    /// <param name="uri">ws:// or wss://.</param>
    public static async Task<V2Client> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null) =>
        new(await WsClient.ConnectAsync(uri, options =>
        {
            options.AddSubProtocol(V2Subprotocol.Name);
            configure?.Invoke(options);
        }));

    public async Task SendAsync(string json)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    public Task SendAsync(JsonObject request) => SendAsync(request.ToJsonString());

    public Task SqlAsync(int id, string sql) => SendAsync(new JsonObject { ["id"] = id, ["op"] = "sql", ["sql"] = sql });

    public Task GetAsync(int id, string path, long? offset = null, long? length = null, bool sha256 = false)
    {
        var request = new JsonObject { ["id"] = id, ["op"] = "get", ["path"] = path, ["sha256"] = sha256 };
        if (offset is not null) request["offset"] = offset;
        if (length is not null) request["length"] = length;
        return SendAsync(request);
    }

    public Task StatAsync(int id, string path, bool sha256 = false) =>
        SendAsync(new JsonObject { ["id"] = id, ["op"] = "stat", ["path"] = path, ["sha256"] = sha256 });

    public Task CancelAsync(int id, int target) => SendAsync(new JsonObject { ["id"] = id, ["op"] = "cancel", ["target"] = target });

    /// <summary>The next whole message. Chunk bytes live in a buffer the next call reuses.</summary>
    public async Task<V2Incoming> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        int length = 0;
        while (true)
        {
            if (length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return new V2Incoming(null, 0, 0, ReadOnlyMemory<byte>.Empty, Now, _socket.CloseStatus ?? WebSocketCloseStatus.Empty);
            length += result.Count;
            if (!result.EndOfMessage) continue;
            if (result.MessageType == WebSocketMessageType.Text)
                return new V2Incoming(JsonNode.Parse(_buffer.AsSpan(0, length)), 0, 0, ReadOnlyMemory<byte>.Empty, Now);
            if (!ChunkPrefix.TryRead(_buffer.AsSpan(0, length), out int id, out long offset))
                throw new InvalidDataException($"a binary message of {length} bytes without a valid chunk prefix");
            return new V2Incoming(null, id, offset, _buffer.AsMemory(ChunkPrefix.Length, length - ChunkPrefix.Length), Now);
        }
    }

    /// <summary>The next text message (fails on a chunk: use when none can come).</summary>
    public async Task<JsonNode> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout);
        if (message.Json is null) throw new InvalidDataException($"expected a text message, got {message}");
        return message.Json;
    }

    /// <summary>Reads messages until every one of <paramref name="ids"/> has had its final message, routing chunks to
    /// their downloads; every message read is passed to <paramref name="seen"/> (in order) when given.</summary>
    public async Task<Dictionary<int, V2Download>> FollowAsync(IEnumerable<int> ids, bool keepBytes = false, Action<V2Incoming>? seen = null, TimeSpan? timeout = null)
    {
        var downloads = ids.ToDictionary(id => id, _ => new V2Download(keepBytes));
        int open = downloads.Count;
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        while (open > 0)
        {
            var message = await ReceiveAsync(limit - deadline.Elapsed);
            seen?.Invoke(message);
            if (message.IsClose) throw new InvalidDataException($"closed ({message}) with {open} requests open");
            int id = message.IsChunk ? message.Id : message.JsonId ?? 0;
            if (!downloads.TryGetValue(id, out var download)) continue;
            if (message.IsChunk) download.Add(message);
            else if (message.IsFinal) { download.Final = message.Json; open--; }
            else if (message.Json?["start"] is { } start) { download.Start = start; download.NextOffset = start["offset"]!.GetValue<long>(); }
        }
        return downloads;
    }

    /// <summary>Asserts the connection still answers: "SELECT id AS n" with the given fresh id gets its reply
    /// (messages of other requests on the way are skipped).</summary>
    public async Task AssertServedAsync(int id)
    {
        await SqlAsync(id, $"SELECT {id} AS n");
        JsonNode reply;
        do reply = await ReceiveJsonAsync(); while (reply["id"]?.GetValue<int>() != id);
        Assert.That(reply["text"]?.GetValue<string>(), Is.EqualTo($"n\n{id}\n"), V2Json.Text(reply));
    }

    /// <summary>Drops the TCP connection without a close handshake (a dropped Wi-Fi link).</summary>
    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}

/// <summary>JSON as the daemon writes it (UTF-8 kept, no \u escapes of ' or é), for comparisons in tests.</summary>
public static class V2Json
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Text(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";
}
