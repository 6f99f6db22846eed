namespace Websocketfy.Protocol.Proxy;

public enum ProxyParseStatus
{
    /// <summary>All input consumed; the header is not complete yet.</summary>
    NeedMoreData,
    /// <summary>The header is complete; <see cref="ProxyHeaderParser.Header"/> is set.</summary>
    Complete,
    /// <summary>Not a valid PROXY protocol header; <see cref="ProxyHeaderParser.Problem"/> says why.
    /// The specification says to abort the connection.</summary>
    Invalid,
}

/// <summary>
/// Incremental, bounded parser of the PROXY protocol header (version 1 or 2, told apart by the first
/// byte) that a trusted load balancer puts at the start of a connection. Bytes may arrive split anywhere;
/// the parser never consumes a byte past the header, so what follows (a TLS ClientHello, an HTTP request)
/// is left for the caller.
/// </summary>
/// <remarks>
/// Bounds: a v1 line is at most 107 bytes including CRLF (the specification's worst case); a v2 header
/// is 16 bytes plus at most <see cref="MaxV2BlockLength"/> bytes of addresses and TLVs. Only the line, or
/// the fixed part and the first 36 address bytes, are stored; TLVs are skipped unread.
/// <para>Wrong bytes are reported as soon as they arrive (a signature mismatch at its first byte, a bad
/// version or command once the 16 fixed bytes are in), so a sender that is not speaking the protocol is
/// turned away early, as the specification recommends. Once Feed has returned Complete or Invalid,
/// further calls return the same status and consume nothing.</para>
/// </remarks>
public sealed class ProxyHeaderParser
{
    /// <summary>The longest v1 line, CRLF included ("PROXY UNKNOWN" with two full IPv6 addresses and ports).</summary>
    public const int MaxV1Length = 107;

    /// <summary>The most bytes of addresses and TLVs accepted after the 16 fixed bytes of a v2 header.
    /// HAProxy's addresses and its usual TLVs (ALPN, authority, unique id, SSL details) take a few hundred.</summary>
    public const int MaxV2BlockLength = 4096;

    private enum Stage { Start, Version1, Version2Fixed, Version2Block, Done }

    private readonly byte[] _kept = new byte[MaxV1Length];
    private int _keptLength;
    private int _blockLength, _blockSeen;
    private Stage _stage;
    private ProxyParseStatus _final;

    public ProxyHeader? Header { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>Feeds bytes. <paramref name="consumed"/> counts those that belong to the header; on Complete,
    /// input[consumed..] follow it and belong to the caller.</summary>
    public ProxyParseStatus Feed(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (_stage == Stage.Done) return _final;
        while (consumed < input.Length)
        {
            ReadOnlySpan<byte> rest = input[consumed..];
            switch (_stage)
            {
                case Stage.Start:
                    if (rest[0] == ProxySignature.Version1[0]) _stage = Stage.Version1;
                    else if (rest[0] == ProxySignature.Version2[0]) _stage = Stage.Version2Fixed;
                    else return Fail("the connection does not start with a PROXY protocol signature");
                    break;
                case Stage.Version1:
                    if (FeedVersion1(rest, ref consumed) is { } v1Status) return v1Status;
                    break;
                case Stage.Version2Fixed:
                    if (FeedVersion2Fixed(rest, ref consumed) is { } fixedStatus) return fixedStatus;
                    break;
                case Stage.Version2Block:
                    if (FeedVersion2Block(rest, ref consumed) is { } blockStatus) return blockStatus;
                    break;
            }
        }
        return ProxyParseStatus.NeedMoreData;
    }

    private ProxyParseStatus? FeedVersion1(ReadOnlySpan<byte> rest, ref int consumed)
    {
        // The signature is taken on its own first, so a sender that is not speaking the protocol is
        // turned away before any more of its bytes are read.
        int signatureLength = ProxySignature.Version1.Length;
        int room = _keptLength < signatureLength ? signatureLength - _keptLength : MaxV1Length - _keptLength;
        ReadOnlySpan<byte> window = rest[..Math.Min(rest.Length, room)];
        int lineFeed = window.IndexOf((byte)'\n');
        int taken = lineFeed < 0 ? window.Length : lineFeed + 1;
        int start = _keptLength;
        Keep(window[..taken]);
        consumed += taken;

        if (!SignatureHolds(ProxySignature.Version1, start))
            return Fail("the connection does not start with a PROXY protocol signature");

        if (lineFeed < 0)
            return _keptLength == MaxV1Length ? Fail($"no CRLF within the first {MaxV1Length} bytes of a v1 line") : null;
        ProxyHeader? header = ProxyV1Line.Parse(_kept.AsSpan(0, _keptLength), out string? problem);
        return header is null ? Fail(problem!) : Succeed(header);
    }

    private ProxyParseStatus? FeedVersion2Fixed(ReadOnlySpan<byte> rest, ref int consumed)
    {
        int start = _keptLength;
        int taken = Math.Min(rest.Length, ProxyV2Block.FixedLength - _keptLength);
        Keep(rest[..taken]);
        consumed += taken;

        if (!SignatureHolds(ProxySignature.Version2, start))
            return Fail("the connection does not start with a PROXY protocol signature");
        if (_keptLength < ProxyV2Block.FixedLength) return null;

        _blockLength = ProxyV2Block.CheckFixedPart(_kept.AsSpan(0, ProxyV2Block.FixedLength), MaxV2BlockLength, out string? problem);
        if (_blockLength < 0) return Fail(problem!);
        _stage = Stage.Version2Block;
        return _blockLength == 0 ? FinishVersion2() : null;
    }

    private ProxyParseStatus? FeedVersion2Block(ReadOnlySpan<byte> rest, ref int consumed)
    {
        int taken = Math.Min(rest.Length, _blockLength - _blockSeen);
        int kept = Math.Clamp(ProxyV2Block.KeptAddressLength - _blockSeen, 0, taken);
        Keep(rest[..kept]);
        _blockSeen += taken;
        consumed += taken;
        return _blockSeen == _blockLength ? FinishVersion2() : null;
    }

    private ProxyParseStatus FinishVersion2()
    {
        ReadOnlySpan<byte> fixedPart = _kept.AsSpan(0, ProxyV2Block.FixedLength);
        ReadOnlySpan<byte> addresses = _kept.AsSpan(ProxyV2Block.FixedLength, _keptLength - ProxyV2Block.FixedLength);
        ProxyHeader? header = ProxyV2Block.Decode(fixedPart, addresses, _blockLength, out string? problem);
        return header is null ? Fail(problem!) : Succeed(header);
    }

    /// <summary>Whether the bytes kept since <paramref name="start"/> still match the signature, as far as both go.</summary>
    private bool SignatureHolds(ReadOnlySpan<byte> signature, int start)
    {
        int checkedUpTo = Math.Min(_keptLength, signature.Length);
        return start >= checkedUpTo || _kept.AsSpan(start, checkedUpTo - start).SequenceEqual(signature[start..checkedUpTo]);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_kept.AsSpan(_keptLength));
        _keptLength += bytes.Length;
    }

    private ProxyParseStatus Succeed(ProxyHeader header)
    {
        Header = header;
        _stage = Stage.Done;
        return _final = ProxyParseStatus.Complete;
    }

    private ProxyParseStatus Fail(string problem)
    {
        Problem = problem;
        _stage = Stage.Done;
        return _final = ProxyParseStatus.Invalid;
    }
}
