using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Sessions;

/// <summary>How far the peer has taken what we sent: Linux TCP_INFO's tcpi_bytes_acked, a count that
/// only grows while the peer's receive window lets our bytes in (a peer that stops reading stops it).</summary>
internal static class TcpProgress
{
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    // struct tcp_info (linux/tcp.h): 8 one-byte fields, 23 u32, then u64 pacing_rate, max_pacing_rate, bytes_acked.
    private const int BytesAckedOffset = 120;

    /// <returns>Bytes the peer acknowledged so far, or -1 when the kernel does not tell (or the socket is gone).</returns>
    public static long BytesAcked(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return -1;
        Span<byte> info = stackalloc byte[BytesAckedOffset + sizeof(ulong)];
        try
        {
            int length = socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info);
            return length >= info.Length ? (long)MemoryMarshal.Read<ulong>(info[BytesAckedOffset..]) : -1;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return -1;
        }
    }
}
