using System.Net;
using Websocketfy.Load.Measure;
using Websocketfy.Load.Net;

namespace Websocketfy.Load.Workloads;

/// <summary>What every measuring mode reads first: which result line it writes, whom it talks to and
/// how, and which server processes it watches.</summary>
internal sealed record Measurement(ResultLine Result, Dialect Dialect, IPEndPoint Target, Window Window)
{
    public static Measurement Read(Options options) =>
        new(new ResultLine(options.Text("workload"), options.Text("target"), options.Int("repeat", 1)),
            Dialect.Parse(options), options.Target(), new Window(options.Watched()));
}
