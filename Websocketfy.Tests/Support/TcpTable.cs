using System.Globalization;

namespace Websocketfy.Tests.Support;

/// <summary>
/// The kernel's table of TCP sockets (/proc/net/tcp and tcp6), for waiting until bytes have reached a socket
/// the test cannot read itself, such as the daemon's idle pooled SiREN connection: that is the event a test
/// about "bytes arrived while idle" depends on, and the kernel may deliver them late on a busy machine.
/// </summary>
public static class TcpTable
{
    /// <summary>Bytes received but not yet read, summed over the connected sockets whose peer is
    /// <paramref name="remotePort"/> (on any loopback address).</summary>
    public static long UnreadBytesFromPort(int remotePort)
    {
        long total = 0;
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st tx_queue:rx_queue ...", addresses as HEXIP:HEXPORT.
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5 || fields[3] != "01") continue; // 01: ESTABLISHED
                string remote = fields[2];
                int port = int.Parse(remote.AsSpan(remote.IndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (port != remotePort) continue;
                string queues = fields[4];
                total += long.Parse(queues.AsSpan(queues.IndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        return total;
    }
}
