using System.Buffers;
using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>What one parser run over a whole input ended with.</summary>
/// <param name="AllocatedBytes">Managed bytes the parser allocated during the run, construction included.</param>
internal readonly record struct HeadRun(HeadParseStatus Status, int Consumed, RequestHead? Head, long AllocatedBytes);

/// <summary>The contract a request head parser and the handshake validator keep for any input:
/// each check returns null when it holds, or a sentence saying what broke.</summary>
internal static class FuzzHandshakeOracle
{
    /// <summary>What the parser may allocate beyond its fixed objects: its line buffer grows by
    /// doubling (at most twice the longest line), each field becomes two UTF-16 strings (two bytes
    /// a character), and each non-empty line costs a list slot and two string headers. Since the
    /// parser consumes at most its limit, and a non-empty line takes at least 3 bytes ("a:" LF),
    /// this is at most 2048 + 38 times the limit, whatever the input's length.</summary>
    public const int FixedAllocationAllowance = 2048;
    public const int AllocationPerConsumedByte = 6;
    public const int AllocationPerLine = 96;

    /// <summary>tchar of RFC 9110 section 5.6.2.</summary>
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>What the parser promises to let through in a field value: visible ASCII, SP and HTAB.</summary>
    private static readonly SearchValues<char> FieldValueChars = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Runs the case (one piece, then split into reads) and checks everything.</summary>
    /// <param name="outcome">How the case ended (for coverage statistics), set even on failure.</param>
    public static string? Check(HandshakeFuzzInput input, out string outcome)
    {
        HeadRun whole = RunWhole(input.Bytes, input.MaxHeadBytes);
        outcome = whole.Status.ToString();
        HeadOutline outline = FuzzHeadReference.Outline(input.Bytes);
        string? violation = CheckRun(input.Bytes, input.MaxHeadBytes, outline, whole, "in one piece");
        if (violation is not null)
        {
            return violation;
        }

        HeadRun split = RunSplit(input, out violation);
        violation ??= CheckRun(input.Bytes, input.MaxHeadBytes, outline, split, "split into reads")
            ?? CompareRuns(whole, split);
        if (violation is not null)
        {
            return violation;
        }

        if (input.Expected is { } expected && expected.Status != whole.Status)
        {
            return $"an unmutated request ended {whole.Status} after {whole.Consumed} bytes, expected {expected.Status}";
        }
        if (whole.Status != HeadParseStatus.Complete)
        {
            return null;
        }

        HandshakePolicy policy = FuzzHandshakeCorpus.Policies[input.PolicyIndex];
        HandshakeDecision decision = HandshakeValidator.Decide(whole.Head!, policy);
        outcome = $"{decision.Outcome} {decision.StatusCode}";
        return CheckDecision(whole.Head!, policy, decision) ?? CheckExpectedDecision(decision, input.Expected);
    }

    public static HeadRun RunWhole(byte[] bytes, int maxHeadBytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var parser = new RequestHeadParser(maxHeadBytes);
        HeadParseStatus status = parser.Feed(bytes, out int consumed);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new HeadRun(status, consumed, parser.Head, allocated);
    }

    /// <summary>Feeds the bytes the way a socket might deliver them (one byte at a time, small reads,
    /// big reads, empty reads), as the daemon does: each read goes to Feed until a final status.</summary>
    private static HeadRun RunSplit(HandshakeFuzzInput input, out string? violation)
    {
        violation = null;
        var random = new FuzzRandom(input.SplitSeed);
        // Tiny reads cost a call per byte or so: kept for inputs short enough to stay cheap.
        int mode = random.Below(10) switch
        {
            0 when input.Bytes.Length <= 1024 => 0,
            < 4 when input.Bytes.Length <= 2048 => 1,
            < 6 => 2,
            _ => 3,
        };
        // Nothing in the loop allocates but the parser, so one measurement covers every Feed.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var parser = new RequestHeadParser(input.MaxHeadBytes);
        HeadParseStatus status = HeadParseStatus.NeedMoreData;
        int position = 0;
        while (position < input.Bytes.Length && status == HeadParseStatus.NeedMoreData)
        {
            int remaining = input.Bytes.Length - position;
            int size = random.Percent(3) ? 0 : mode switch
            {
                0 => 1,
                1 => random.Between(1, 8),
                2 => random.Between(1, remaining),
                _ => (int)Math.Min(remaining, 1 + random.SkewedLength(input.MaxHeadBytes)),
            };
            size = Math.Min(size, remaining);
            ReadOnlySpan<byte> read = input.Bytes.AsSpan(position, size);

            status = parser.Feed(read, out int consumed);
            if (consumed < 0 || consumed > size)
            {
                violation = $"a read of {size} bytes at offset {position} reported {consumed} consumed";
                return default;
            }
            if (status == HeadParseStatus.NeedMoreData && consumed != size)
            {
                violation = $"NeedMoreData left {size - consumed} bytes of a read at offset {position} unconsumed";
                return default;
            }
            position += consumed;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        HeadParseStatus again = parser.Feed(input.Bytes.AsSpan(position), out int consumedAfter);
        if (status != HeadParseStatus.NeedMoreData && (again != status || consumedAfter != 0))
        {
            violation = $"after {status}, a further Feed returned {again} and consumed {consumedAfter}";
            return default;
        }
        return new HeadRun(status, position, parser.Head, allocated);
    }

    /// <summary>The rules any run must keep, judged against a naive reading of the same bytes.</summary>
    /// <param name="outline">What <see cref="FuzzHeadReference.Outline"/> makes of the bytes.</param>
    public static string? CheckRun(ReadOnlySpan<byte> bytes, int maxHeadBytes, HeadOutline outline, HeadRun run, string how)
    {
        if (!Enum.IsDefined(run.Status))
        {
            return $"{how}: status {(int)run.Status} is not a HeadParseStatus";
        }
        if (run.Consumed < 0 || run.Consumed > Math.Min(bytes.Length, maxHeadBytes))
        {
            return $"{how}: consumed {run.Consumed} of {bytes.Length} bytes with a limit of {maxHeadBytes}";
        }
        if ((run.Status == HeadParseStatus.Complete) != (run.Head is not null))
        {
            return $"{how}: status {run.Status} with Head {(run.Head is null ? "null" : "set")}";
        }

        string? violation = run.Status switch
        {
            HeadParseStatus.NeedMoreData when run.Consumed != bytes.Length || bytes.Length >= maxHeadBytes =>
                $"NeedMoreData after consuming {run.Consumed} of {bytes.Length} bytes (limit {maxHeadBytes})",
            HeadParseStatus.NeedMoreData when outline.Shape != HeadShape.Open =>
                $"NeedMoreData though the bytes hold {outline.Shape} at {outline.Position}",
            HeadParseStatus.TooLarge when run.Consumed != maxHeadBytes =>
                $"TooLarge after consuming {run.Consumed} bytes, not the limit {maxHeadBytes}",
            HeadParseStatus.TooLarge when outline.Shape != HeadShape.Open && outline.Position <= maxHeadBytes =>
                $"TooLarge though {outline.Shape} comes at {outline.Position}, within the limit {maxHeadBytes}",
            HeadParseStatus.Malformed when run.Consumed == 0 || (outline.Shape != HeadShape.Open && run.Consumed > outline.Position) =>
                $"Malformed after consuming {run.Consumed} bytes; {outline.Shape} comes at {outline.Position}",
            HeadParseStatus.Complete when outline.Shape != HeadShape.Ended || run.Consumed != outline.Position =>
                $"Complete after {run.Consumed} bytes; the head has {outline.Shape} at {outline.Position}",
            HeadParseStatus.Complete => CheckHead(run.Head!, outline),
            _ => null,
        };
        if (violation is not null)
        {
            return $"{how}: {violation}";
        }

        long allowance = AllocationAllowance(bytes[..run.Consumed]);
        if (run.AllocatedBytes > allowance)
        {
            return $"{how}: {FuzzCampaign.AllocationTag} allocated {run.AllocatedBytes} bytes for {run.Consumed} consumed, more than the allowance {allowance}";
        }
        return null;
    }

    public static long AllocationAllowance(ReadOnlySpan<byte> consumed) =>
        FixedAllocationAllowance + (long)AllocationPerConsumedByte * consumed.Length
        + (long)AllocationPerLine * NonEmptyLines(consumed);

    /// <summary>Lines (ended by LF, or cut short by the end) holding something besides a CR: blank
    /// lines are skipped without allocating anything.</summary>
    private static int NonEmptyLines(ReadOnlySpan<byte> bytes)
    {
        int count = 0;
        while (!bytes.IsEmpty)
        {
            int lf = bytes.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = lf < 0 ? bytes : bytes[..lf];
            count += line.IsEmpty || line is [(byte)'\r'] ? 0 : 1;
            bytes = lf < 0 ? [] : bytes[(lf + 1)..];
        }
        return count;
    }

    /// <summary>A complete head holds exactly what the grammar lets through.</summary>
    public static string? CheckHead(RequestHead head, HeadOutline outline)
    {
        if (!IsToken(head.Method))
        {
            return $"method {Quote(head.Method)} is not a token";
        }
        if (head.Target.Length == 0 || head.Target.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            return $"request target {Quote(head.Target)} is not visible ASCII";
        }
        if (head.VersionMajor is < 0 or > 9 || head.VersionMinor is < 0 or > 9)
        {
            return $"version {head.VersionMajor}.{head.VersionMinor} is not two digits";
        }
        if (head.Headers.Count != outline.FieldLines)
        {
            return $"{head.Headers.Count} header fields from {outline.FieldLines} field lines";
        }
        foreach (KeyValuePair<string, string> field in head.Headers)
        {
            if (!IsToken(field.Key))
            {
                return $"field name {Quote(field.Key)} is not a token";
            }
            string value = field.Value;
            if (value.AsSpan().ContainsAnyExcept(FieldValueChars)
                || (value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t')))
            {
                return $"field value {Quote(value)} of {field.Key} is not trimmed visible ASCII";
            }
        }
        return null;
    }

    public static string? CompareRuns(HeadRun whole, HeadRun split)
    {
        if (whole.Status != split.Status || whole.Consumed != split.Consumed)
        {
            return $"in one piece: {whole.Status} after {whole.Consumed} bytes; split into reads: {split.Status} after {split.Consumed}";
        }
        if (whole.Head is not { } a || split.Head is not { } b)
        {
            return null;
        }
        if (a.Method != b.Method || a.Target != b.Target || a.VersionMajor != b.VersionMajor || a.VersionMinor != b.VersionMinor
            || !a.Headers.SequenceEqual(b.Headers))
        {
            return $"the head parsed in one piece differs from the head parsed from reads: {Describe(a)} / {Describe(b)}";
        }
        return null;
    }

    /// <summary>The decision is one of the three, and it is the one an independent reading of RFC 6455
    /// section 4.2.1 gives (<see cref="FuzzHandshakeReading"/>): same outcome, same status code, the
    /// same accept key and subprotocol for an Upgrade. A refusal carries a reason, and every answer's
    /// response bytes build and start with its status line.</summary>
    public static string? CheckDecision(RequestHead head, HandshakePolicy policy, HandshakeDecision decision)
    {
        if (!Enum.IsDefined(decision.Outcome))
        {
            return $"decision outcome {(int)decision.Outcome} is not a HandshakeOutcome";
        }
        ReadDecision read = FuzzHandshakeReading.Read(head, policy);
        if (decision.Outcome != read.Outcome || decision.StatusCode != read.StatusCode
            || decision.AcceptKey != read.AcceptKey || decision.Subprotocol != read.Subprotocol)
        {
            return $"decided {decision.Outcome} {decision.StatusCode} (accept key {decision.AcceptKey ?? "none"}, " +
                $"subprotocol {decision.Subprotocol ?? "none"}, \"{decision.Reason}\"); an independent reading gives " +
                $"{read.Outcome} {read.StatusCode} (accept key {read.AcceptKey ?? "none"}, subprotocol {read.Subprotocol ?? "none"}" +
                $"{(read.Broken.Length > 0 ? ", broken: " + read.Broken : "")}) for {Describe(head)}";
        }
        return decision.Outcome switch
        {
            HandshakeOutcome.Reject when decision.Reason.Length == 0 => $"Reject {decision.StatusCode} without a reason",
            HandshakeOutcome.Reject => ResponseStartsWith(HttpResponses.Error(decision.StatusCode, decision.Reason), decision.StatusCode),
            HandshakeOutcome.Upgrade => ResponseStartsWith(HttpResponses.SwitchingProtocols(decision.AcceptKey!, decision.Subprotocol), 101),
            _ => null,
        };
    }

    public static string? CheckExpectedDecision(HandshakeDecision decision, HandshakeExpectation? expected)
    {
        if (expected is null)
        {
            return null;
        }
        if (decision.Outcome != expected.Outcome || decision.StatusCode != expected.StatusCode || decision.Subprotocol != expected.Subprotocol)
        {
            return $"decided {decision.Outcome} {decision.StatusCode} (subprotocol {decision.Subprotocol ?? "none"}, {Quote(decision.Reason)}), " +
                $"expected {expected.Outcome} {expected.StatusCode} (subprotocol {expected.Subprotocol ?? "none"})";
        }
        return null;
    }

    private static string? ResponseStartsWith(byte[] response, int statusCode)
    {
        string statusLine = $"HTTP/1.1 {statusCode} ";
        return Encoding.ASCII.GetString(response).StartsWith(statusLine, StringComparison.Ordinal)
            ? null
            : $"the {statusCode} response does not start with {Quote(statusLine)}";
    }

    private static bool IsToken(string text) => text.Length > 0 && !text.AsSpan().ContainsAnyExcept(TokenChars);

    private static string Quote(string text) => "\"" + text.Replace("\r", "\\r").Replace("\n", "\\n") + "\"";

    private static string Describe(RequestHead head) =>
        $"{head.Method} {head.Target} HTTP/{head.VersionMajor}.{head.VersionMinor} " +
        string.Join(" | ", head.Headers.Select(h => h.Key + ": " + h.Value));
}
