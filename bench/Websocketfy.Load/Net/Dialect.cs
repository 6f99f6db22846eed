using System.Text;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Net;

/// <summary>
/// What one request/reply exchange looks like against one kind of server: how a connection is
/// opened (TLS, upgrade, greeting), the request bytes (built once), and how the reply ends.
/// </summary>
internal abstract class Dialect
{
    public const string Usage = """
        dialects:
          siren-raw           SQL straight to a SiREN(-protocol) server over TCP (TCP_QUICKACK re-armed before each read)
          siren-websockify    SQL as binary WebSocket messages through websockify (reply = frames up to the prompt)
          siren-websocketfy   SQL as WebSocket messages through websocketfy (reply = one message)
          ping-websocketfy    WebSocket ping, answered by a pong
          ping-websockify     the same through websockify
          echo                one byte over TCP, echoed back
          file-websocketfy    REQUEST <path> (one binary message back)
          file-http           GET /<path> over HTTP/1.1 keep-alive
        """;

    /// <summary>Connections go over TLS (file dialects only).</summary>
    public bool Tls { get; init; }

    public virtual bool QuickAck => false;

    public abstract void Open(ClientConnection connection);

    /// <summary>The requests connection <paramref name="index"/> of <paramref name="connections"/> cycles through.</summary>
    public abstract byte[][] Requests(int index, int connections);

    public abstract IReplyReader NewReader();

    public static Dialect Parse(Options options)
    {
        string name = options.Text("dialect");
        string query = options.Text("query", "SELECT * FROM images");
        bool tls = options.Flag("tls");
        if (tls && !name.StartsWith("file-", StringComparison.Ordinal)) throw new UsageException("--tls goes with the file dialects only");
        byte opcode = options.Text("opcode", "binary") switch
        {
            "binary" => ClientFrames.Binary,
            "text" => ClientFrames.Text,
            var other => throw new UsageException($"--opcode must be binary or text, not '{other}'"),
        };
        return name switch
        {
            "siren-raw" => new SirenRaw(query),
            "siren-websockify" => new ViaWebsockify(ClientFrames.Build(ClientFrames.Binary, Encoding.UTF8.GetBytes(query)), WsCompletion.PromptSuffix),
            "siren-websocketfy" => new Ws(ClientFrames.Build(opcode, Encoding.UTF8.GetBytes(query)), WsCompletion.MessageEnd),
            "ping-websocketfy" => new Ws(ClientFrames.Build(ClientFrames.Ping, []), WsCompletion.Pong),
            "ping-websockify" => new ViaWebsockify(ClientFrames.Build(ClientFrames.Ping, []), WsCompletion.Pong),
            "echo" => new Echo(),
            "file-websocketfy" => new FileWs(FilePaths(options)) { Tls = tls },
            "file-http" => new FileHttp(FilePaths(options)) { Tls = tls },
            _ => throw new UsageException($"unknown dialect '{name}'\n{Usage}"),
        };
    }

    /// <summary>--path one/file, or --dir small --files N for N numbered files (make-tree's naming).</summary>
    private static string[] FilePaths(Options options)
    {
        string path = options.Text("path", "");
        if (path.Length > 0) return [path];
        string dir = options.Text("dir");
        int files = options.Int("files");
        return Enumerable.Range(0, files).Select(i => Workloads.TreeMaker.SmallFileName(dir, i)).ToArray();
    }

    /// <summary>Operation i of connection c is file c + i * connections: every file once over all connections.</summary>
    private static byte[][] Spread(string[] paths, int index, int connections, Func<string, byte[]> request)
    {
        if (paths.Length == 1) return [request(paths[0])];
        return paths.Where((_, i) => i % connections == index).Select(request).ToArray();
    }

    private sealed class SirenRaw(string query) : Dialect
    {
        private readonly byte[] _request = Encoding.UTF8.GetBytes(query);

        public override bool QuickAck => true;

        public override void Open(ClientConnection connection) => connection.ReadReply(new PromptReplyReader(), quickAck: true);

        public override byte[][] Requests(int index, int connections) => [_request];

        public override IReplyReader NewReader() => new PromptReplyReader();
    }

    private class Ws(byte[] request, WsCompletion completion) : Dialect
    {
        public override void Open(ClientConnection connection)
        {
            if (Tls) connection.StartTls();
            connection.Upgrade("127.0.0.1");
        }

        public override byte[][] Requests(int index, int connections) => [request];

        public override IReplyReader NewReader() => new WsReplyReader(completion);
    }

    /// <summary>websockify opens its TCP connection to the target at once and relays SiREN's greeting.</summary>
    private sealed class ViaWebsockify(byte[] request, WsCompletion completion) : Ws(request, completion)
    {
        public override void Open(ClientConnection connection)
        {
            base.Open(connection);
            connection.ReadReply(new WsReplyReader(WsCompletion.PromptSuffix), quickAck: false);
        }
    }

    private sealed class Echo : Dialect
    {
        private static readonly byte[] OneByte = [(byte)'x'];

        public override void Open(ClientConnection connection) { }

        public override byte[][] Requests(int index, int connections) => [OneByte];

        public override IReplyReader NewReader() => new EchoReplyReader();
    }

    private sealed class FileWs(string[] paths) : Ws([], WsCompletion.MessageEnd)
    {
        public override byte[][] Requests(int index, int connections) =>
            Spread(paths, index, connections, p => ClientFrames.Build(ClientFrames.Binary, Encoding.UTF8.GetBytes("REQUEST " + p)));
    }

    private sealed class FileHttp(string[] paths) : Dialect
    {
        public override void Open(ClientConnection connection)
        {
            if (Tls) connection.StartTls();
        }

        public override byte[][] Requests(int index, int connections) =>
            Spread(paths, index, connections, p => Encoding.ASCII.GetBytes($"GET /{p} HTTP/1.1\r\nHost: localhost\r\n\r\n"));

        public override IReplyReader NewReader() => new HttpReplyReader();
    }
}
