using Websocketfy.SirenDemo.Network;

namespace Websocketfy.SirenDemo.Faults;

/// <summary>Sends one byte per write with a pause between, stopping early when the server stops.</summary>
internal sealed class SlowByteSink(IReplySink inner, TimeSpan delay, CancellationToken stopping) : IReplySink
{
    public void Send(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0 && stopping.WaitHandle.WaitOne(delay))
            {
                return;
            }

            inner.Send(bytes.Slice(i, 1));
        }
    }
}
