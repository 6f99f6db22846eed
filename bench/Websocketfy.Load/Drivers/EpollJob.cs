using Websocketfy.Load.Net;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Drivers;

/// <summary>One connection's share of an <see cref="EpollDriver"/> run: its requests, in turn, one in flight.</summary>
internal sealed class EpollJob(ClientConnection connection, byte[][] requests, IReplyReader reader, int operations, bool quickAck)
{
    public ClientConnection Connection { get; } = connection;

    /// <summary>Operation i sends requests[i % length] (W4 walks a list of files).</summary>
    public byte[][] Requests { get; } = requests;

    public IReplyReader Reader { get; } = reader;

    public int Operations { get; } = operations;

    public bool QuickAck { get; } = quickAck;

    // Driver state, touched by the one thread that owns the job.
    internal int Completed;
    internal long StartedAt;
}
