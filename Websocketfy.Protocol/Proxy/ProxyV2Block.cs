using System.Buffers.Binary;
using System.Net;

namespace Websocketfy.Protocol.Proxy;

/// <summary>
/// The binary PROXY protocol version 2 header (proxy-protocol.txt section 2.2): the 12-byte signature,
/// version and command, family and transport, a 16-bit length, then that many bytes of addresses and TLVs.
/// </summary>
internal static class ProxyV2Block
{
    public const int FixedLength = 16;

    /// <summary>Address bytes read from the block: two IPv6 addresses and two ports. The rest of the
    /// block (AF_UNIX paths, TLVs) is skipped without being stored.</summary>
    public const int KeptAddressLength = 36;

    private const int CommandLocal = 0x0, CommandProxy = 0x1;
    private const int FamilyUnspec = 0x0, FamilyInet = 0x1, FamilyInet6 = 0x2, FamilyUnix = 0x3;
    private const int TransportUnspec = 0x0, TransportStream = 0x1, TransportDgram = 0x2;

    /// <summary>Checks the 16 fixed bytes (the signature was checked as it arrived) and returns the length
    /// of the block that follows, or -1 with the reason.</summary>
    public static int CheckFixedPart(ReadOnlySpan<byte> fixedPart, int maxBlockLength, out string? problem)
    {
        problem = null;
        int version = fixedPart[12] >> 4, command = fixedPart[12] & 0xF;
        int family = fixedPart[13] >> 4, transport = fixedPart[13] & 0xF;
        int length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (version != 2) problem = $"the v2 version nibble is {version}, not 2";
        else if (command is not (CommandLocal or CommandProxy)) problem = $"the v2 command {command} is neither LOCAL nor PROXY";
        else if (family > FamilyUnix) problem = $"the v2 address family {family} is not defined";
        else if (transport > TransportDgram) problem = $"the v2 transport {transport} is not defined";
        else if (length > maxBlockLength) problem = $"the v2 header announces {length} bytes of addresses and TLVs, more than the {maxBlockLength} accepted";
        return problem is null ? length : -1;
    }

    /// <param name="fixedPart">The 16 fixed bytes, already checked.</param>
    /// <param name="addresses">The first bytes of the block (at most <see cref="KeptAddressLength"/>).</param>
    /// <param name="blockLength">The block's full length, as announced.</param>
    public static ProxyHeader? Decode(ReadOnlySpan<byte> fixedPart, ReadOnlySpan<byte> addresses, int blockLength, out string? problem)
    {
        problem = null;
        int headerLength = FixedLength + blockLength;
        int command = fixedPart[12] & 0xF;
        int family = fixedPart[13] >> 4, transport = fixedPart[13] & 0xF;

        // LOCAL: the proxy's own connection (a health check); the block is skipped whatever it holds.
        if (command == CommandLocal)
            return new ProxyHeader(2, "LOCAL", null, null, headerLength);

        bool inet = family is FamilyInet or FamilyInet6;
        if (!inet || transport != TransportStream)
        {
            // A TCP server has no use for UNIX or UDP endpoints: like UNSPEC, the connection's own
            // peer stands for the client (the specification allows falling back to UNSPEC).
            string kind = family switch
            {
                FamilyUnix => "PROXY UNIX",
                FamilyUnspec => "PROXY UNSPEC",
                _ => transport == TransportDgram ? $"PROXY UDP/{(family == FamilyInet ? "IPv4" : "IPv6")}" : "PROXY UNSPEC",
            };
            return new ProxyHeader(2, kind, null, null, headerLength);
        }

        int addressLength = family == FamilyInet ? 4 : 16;
        int needed = 2 * addressLength + 4;
        if (blockLength < needed)
        {
            problem = $"the v2 address block has {blockLength} bytes, fewer than the {needed} of a TCP/{(family == FamilyInet ? "IPv4" : "IPv6")} address pair";
            return null;
        }
        var source = new IPAddress(addresses.Slice(0, addressLength));
        var destination = new IPAddress(addresses.Slice(addressLength, addressLength));
        int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength)..]);
        int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressLength + 2)..]);
        return new ProxyHeader(2, family == FamilyInet ? "PROXY TCP/IPv4" : "PROXY TCP/IPv6",
                               new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), headerLength);
    }
}
