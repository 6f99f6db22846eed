using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>What a request that was not mutated byte-wise must produce.</summary>
/// <param name="StatusCode">101, a 4xx/505, or 0 for plain HTTP (meaningful when Status is Complete).</param>
internal sealed record HandshakeExpectation(HeadParseStatus Status, HandshakeOutcome Outcome, int StatusCode, string? Subprotocol);

/// <summary>One handshake fuzz case: the bytes a client sent, the parser limit, the policy, how the
/// bytes are cut into reads, and (for unmutated requests) the expected answer.</summary>
internal sealed record HandshakeFuzzInput(
    byte[] Bytes, int MaxHeadBytes, int PolicyIndex, ulong SplitSeed, HandshakeExpectation? Expected, string Origin)
{
    public string Parameters =>
        $"maxHeadBytes={MaxHeadBytes}, policy={FuzzHandshakeCorpus.PolicyNames[PolicyIndex]}, splitSeed={SplitSeed}, " +
        $"from={Origin}, expected={Expected?.ToString() ?? "(mutated: contract only)"}";
}
