using System.Buffers.Binary;
using System.Net;
using System.Text;
using Websocketfy.Protocol.Proxy;

namespace Websocketfy.Tests.Protocol.Proxy;

/// <summary>PROXY protocol headers as bytes, built the way HAProxy writes them.</summary>
internal static class ProxyHeaders
{
    public static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>What follows the header on the wire; the parser must leave it alone.</summary>
    public static readonly byte[] HttpAfter = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

    /// <summary>One read: the status, the bytes consumed, and the parser (for Header and Problem).</summary>
    public static (ProxyParseStatus Status, int Consumed, ProxyHeaderParser Parser) Parse(byte[] bytes)
    {
        var parser = new ProxyHeaderParser();
        ProxyParseStatus status = parser.Feed(bytes, out int consumed);
        return (status, consumed, parser);
    }

    public static byte[] HeaderV1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A v2 header: signature, version 2 and the command, family and transport, the block length, the block.</summary>
    public static byte[] HeaderV2(int command, int familyAndTransport, byte[] block, int version = 2)
    {
        var header = new byte[16 + block.Length];
        Signature.CopyTo(header, 0);
        header[12] = (byte)((version << 4) | command);
        header[13] = (byte)familyAndTransport;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)block.Length);
        block.CopyTo(header, 16);
        return header;
    }

    /// <summary>Source and destination addresses, then source and destination ports, in network order.</summary>
    public static byte[] AddressBlock(string source, string destination, int sourcePort, int destinationPort, byte[]? tlvs = null)
    {
        byte[] s = IPAddress.Parse(source).GetAddressBytes(), d = IPAddress.Parse(destination).GetAddressBytes();
        var block = new byte[s.Length + d.Length + 4 + (tlvs?.Length ?? 0)];
        s.CopyTo(block, 0);
        d.CopyTo(block, s.Length);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(2 * s.Length), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(2 * s.Length + 2), (ushort)destinationPort);
        tlvs?.CopyTo(block, 2 * s.Length + 4);
        return block;
    }

    /// <summary>One TLV: type, 16-bit length, value.</summary>
    public static byte[] Tlv(byte type, byte[] value)
    {
        var tlv = new byte[3 + value.Length];
        tlv[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(tlv.AsSpan(1), (ushort)value.Length);
        value.CopyTo(tlv, 3);
        return tlv;
    }

    public const int CommandLocal = 0x0, CommandProxy = 0x1;
    public const int TcpIPv4 = 0x11, UdpIPv4 = 0x12, TcpIPv6 = 0x21, UnixStream = 0x31, Unspec = 0x00;

    /// <summary>Valid headers of every kind, each with what the parser must make of it.</summary>
    public static IEnumerable<(string Name, byte[] Bytes, string Kind, string? Source)> ValidSamples()
    {
        yield return ("v1 TCP4", HeaderV1("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"), "TCP4", "192.168.0.1:56324");
        yield return ("v1 TCP6", HeaderV1("PROXY TCP6 2001:db8::1 2001:db8::11 56324 443\r\n"), "TCP6", "[2001:db8::1]:56324");
        yield return ("v1 UNKNOWN", HeaderV1("PROXY UNKNOWN\r\n"), "UNKNOWN", null);
        yield return ("v1 UNKNOWN worst case", HeaderV1("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), "UNKNOWN", null);
        yield return ("v2 TCP/IPv4", HeaderV2(CommandProxy, TcpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 51234, 8080)), "PROXY TCP/IPv4", "203.0.113.7:51234");
        yield return ("v2 TCP/IPv4 with TLVs", HeaderV2(CommandProxy, TcpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 51234, 8080,
            [.. Tlv(0x01, "http/1.1"u8.ToArray()), .. Tlv(0x05, new byte[128]), .. Tlv(0x04, [])])), "PROXY TCP/IPv4", "203.0.113.7:51234");
        yield return ("v2 TCP/IPv6", HeaderV2(CommandProxy, TcpIPv6, AddressBlock("2001:db8::7", "2001:db8::1", 443, 8443)), "PROXY TCP/IPv6", "[2001:db8::7]:443");
        yield return ("v2 LOCAL", HeaderV2(CommandLocal, Unspec, []), "LOCAL", null);
        yield return ("v2 LOCAL with addresses", HeaderV2(CommandLocal, TcpIPv4, AddressBlock("127.0.0.1", "127.0.0.1", 1, 2)), "LOCAL", null);
        yield return ("v2 UNIX", HeaderV2(CommandProxy, UnixStream, new byte[216]), "PROXY UNIX", null);
        yield return ("v2 UNSPEC", HeaderV2(CommandProxy, Unspec, []), "PROXY UNSPEC", null);
        yield return ("v2 UDP/IPv4", HeaderV2(CommandProxy, UdpIPv4, AddressBlock("203.0.113.7", "10.0.0.1", 53, 53)), "PROXY UDP/IPv4", null);
    }

    /// <summary>Invalid headers, each with a word the parser's reason must contain.</summary>
    public static IEnumerable<(string Name, byte[] Bytes, string Reason)> InvalidSamples()
    {
        yield return ("HTTP instead of a header", HttpAfter, "signature");
        yield return ("lower-case proxy", HeaderV1("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), "signature");
        yield return ("bare LF", HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), "CRLF");
        yield return ("CR inside", HeaderV1("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n"), "CR");
        yield return ("two spaces", HeaderV1("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), "five fields");
        yield return ("leading zero in an address", HeaderV1("PROXY TCP4 010.2.3.4 5.6.7.8 1 2\r\n"), "address");
        yield return ("leading zero in a port", HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), "port");
        yield return ("port above 65535", HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), "port");
        yield return ("IPv6 address in TCP4", HeaderV1("PROXY TCP4 ::1 ::1 1 2\r\n"), "IPv4");
        yield return ("IPv4 address in TCP6", HeaderV1("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n"), "IPv6");
        yield return ("IPv6 zone", HeaderV1("PROXY TCP6 fe80::1%eth0 fe80::2 1 2\r\n"), "IPv6");
        yield return ("unknown protocol", HeaderV1("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), "TCP4, TCP6 or UNKNOWN");
        yield return ("missing field", HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), "five fields");
        yield return ("extra field", HeaderV1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), "five fields");
        yield return ("no CRLF within 107 bytes", HeaderV1("PROXY UNKNOWN " + new string('f', 150) + "\r\n"), "107");
        yield return ("v2 signature broken", [.. Signature[..7], 0x00, .. Signature[8..], 0x21, 0x11, 0, 0], "signature");
        yield return ("v2 version 1", HeaderV2(CommandProxy, TcpIPv4, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2), version: 1), "version");
        yield return ("v2 command 2", HeaderV2(2, TcpIPv4, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2)), "command");
        yield return ("v2 family 4", HeaderV2(CommandProxy, 0x41, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2)), "family");
        yield return ("v2 transport 3", HeaderV2(CommandProxy, 0x13, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2)), "transport");
        yield return ("v2 block too short for IPv4", HeaderV2(CommandProxy, TcpIPv4, new byte[8]), "fewer than the 12");
        yield return ("v2 block too short for IPv6", HeaderV2(CommandProxy, TcpIPv6, AddressBlock("1.2.3.4", "5.6.7.8", 1, 2)), "fewer than the 36");
        yield return ("v2 block above the bound", HeaderV2(CommandProxy, TcpIPv4, new byte[ProxyHeaderParser.MaxV2BlockLength + 1]), "more than the 4096");
    }
}
