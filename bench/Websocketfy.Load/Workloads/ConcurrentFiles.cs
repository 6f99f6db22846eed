using System.Text;
using Websocketfy.Load.Drivers;
using Websocketfy.Load.Measure;
using Websocketfy.Load.Net;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Workloads;

/// <summary>
/// The websocketfy.v2 workloads of issue 11 (V2F, V2Q): N files fetched at once, either as N gets on
/// one websocketfy.v2 connection or as N classic connections with one REQUEST each; with
/// <c>--query</c>, SELECTs sent while the files stream (v2: on the same connection, one after another;
/// classic: right behind each file request, where the in-order protocol makes them wait for the file).
/// </summary>
internal static class ConcurrentFiles
{
    public static int Run(Options options)
    {
        var result = new ResultLine(options.Text("workload"), options.Text("target"), options.Int("repeat", 1));
        string protocol = options.Text("protocol");
        if (protocol is not ("v2" or "classic")) throw new UsageException($"--protocol must be v2 or classic, not '{protocol}'");
        var target = options.Target();
        var window = new Window(options.Watched());
        string dir = options.Text("dir");
        int files = options.Int("files");
        long fileBytes = options.Int("file-mib") * 1048576L;
        int rounds = options.Int("ops");
        int warmup = options.Int("warmup", 0);
        string query = options.Text("query", "");
        options.CheckAllRead();
        if (files < 1 || rounds < 1) throw new UsageException("--files and --ops must be at least 1");

        string[] paths = Enumerable.Range(0, files).Select(i => TreeMaker.SmallFileName(dir, i)).ToArray();
        var opened = new List<ClientConnection>();
        try
        {
            Func<int, MuxResult> run;
            if (protocol == "v2")
            {
                var connection = ClientConnection.Connect(target);
                opened.Add(connection);
                connection.Upgrade("127.0.0.1", "websocketfy.v2");
                byte[] gets = paths.SelectMany((p, i) => Text($$"""{"id":{{i + 1}},"op":"get","path":"{{p}}"}""")).ToArray();
                byte[]? sql = query.Length == 0 ? null
                    : Text($$"""{"id":{{V2Driver.QueryId}},"op":"sql","sql":"{{JsonText(query)}}"}""");
                run = n => V2Driver.Run(connection, gets, files, sql, n);
            }
            else
            {
                for (int i = 0; i < files; i++)
                {
                    var connection = ClientConnection.Connect(target);
                    opened.Add(connection);
                    connection.Upgrade("127.0.0.1");
                }
                byte[] sql = query.Length == 0 ? [] : ClientFrames.Build(ClientFrames.Binary, Encoding.UTF8.GetBytes(query));
                byte[][] requests = paths.Select(p => ClientFrames.Build(ClientFrames.Binary, Encoding.UTF8.GetBytes("REQUEST " + p)).Concat(sql).ToArray()).ToArray();
                run = n => ClassicFilesDriver.Run(opened, requests, query.Length > 0, n);
            }

            if (warmup > 0) run(warmup);
            window.Begin();
            var measured = run(rounds);
            window.End(result);

            long expected = fileBytes * files * rounds;
            if (measured.FileBytes != expected)
                throw new IOException($"{measured.FileBytes} file bytes arrived where {expected} were asked (a file missing or of another size?)");
            long total = (long)files * rounds;
            result.Add("connections", opened.Count);
            result.Add("files", files);
            result.Add("ops", total);
            result.Add("ops_per_s", total / window.Seconds);
            result.Add("payload_bytes", measured.FileBytes);
            result.Add("mib_per_s", measured.FileBytes / 1048576.0 / window.Seconds);
            result.AddLatencies(measured.FileLatencies);
            if (measured.QueryLatencies.Length > 0)
            {
                result.Add("sql_ops", measured.QueryLatencies.Length);
                result.AddLatencies(measured.QueryLatencies, "sql_");
            }
            Console.WriteLine(result);
            return 0;
        }
        finally
        {
            foreach (var connection in opened) connection.Dispose();
        }
    }

    /// <summary>A request as a masked text frame.</summary>
    private static byte[] Text(string json) => ClientFrames.Build(ClientFrames.Text, Encoding.UTF8.GetBytes(json));

    private static string JsonText(string value) =>
        System.Text.Json.JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
}
