namespace Websocketfy.SirenDemo.Network;

/// <summary>Where reply bytes go; one call is one socket write (SiREN's write boundaries matter).</summary>
internal interface IReplySink
{
    void Send(ReadOnlySpan<byte> bytes);
}
