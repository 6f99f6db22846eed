using System.Text;
using Websocketfy.Protocol.Frames;
using Websocketfy.Protocol.Messages;

namespace Websocketfy.Tests.Protocol.Fuzzing;

internal enum FrameLogEnd
{
    /// <summary>The input ran out; <see cref="FrameEventLog.Leftover"/> bytes were never consumed.</summary>
    EndOfInput,
    Close,
    Error,
}

/// <summary>How the message still open at the end of two logs must relate.</summary>
internal enum OpenMessageRule
{
    /// <summary>The same bytes (every payload byte before the failing frame header was delivered).</summary>
    Exact,
    /// <summary>The actual bytes are a prefix of the expected ones (a text message failed its UTF-8
    /// check part way; how much was delivered before depends on how the bytes arrived).</summary>
    ActualIsPrefix,
    /// <summary>One is a prefix of the other (two runs that both stopped on invalid UTF-8).</summary>
    EitherIsPrefix,
}

/// <summary>What a receiver reported over a whole stream, independent of how the bytes were cut:
/// data fragments joined into messages, control payloads, and how it ended. The generator writes
/// the expected log the same way, so two logs compare directly.</summary>
internal sealed class FrameEventLog
{
    public readonly record struct Entry(ReceiveEventKind Kind, Opcode Opcode, int Offset, int Length);

    private readonly List<Entry> _entries = [];
    private readonly FuzzByteBuffer _committed = new();
    private readonly FuzzByteBuffer _open = new();
    private Opcode _openOpcode;
    private bool _messageOpen;

    public FrameLogEnd End { get; private set; }
    public ushort? CloseStatus { get; private set; }
    public ushort ErrorStatus { get; private set; }
    public string ErrorReason { get; private set; } = "";
    public int Leftover { get; private set; }

    /// <summary>Payload of the data message not ended yet.</summary>
    public ReadOnlySpan<byte> OpenMessage => _open.Span;

    public void Clear()
    {
        _entries.Clear();
        _committed.Clear();
        _open.Clear();
        _messageOpen = false;
        End = FrameLogEnd.EndOfInput;
        CloseStatus = null;
        ErrorStatus = 0;
        ErrorReason = "";
        Leftover = 0;
    }

    /// <summary>Adds a piece of a data message; null, or why the piece does not fit the open message.</summary>
    public string? AppendData(Opcode opcode, ReadOnlySpan<byte> payload, bool endOfMessage)
    {
        if (_messageOpen && opcode != _openOpcode)
        {
            return $"a {opcode} fragment inside a {_openOpcode} message";
        }
        _messageOpen = true;
        _openOpcode = opcode;
        _open.Append(payload);
        if (endOfMessage)
        {
            _entries.Add(new Entry(ReceiveEventKind.DataFragment, opcode, _committed.Count, _open.Count));
            _committed.Append(_open.Span);
            _open.Clear();
            _messageOpen = false;
        }
        return null;
    }

    public void AddControl(ReceiveEventKind kind, ReadOnlySpan<byte> payload)
    {
        _entries.Add(new Entry(kind, default, _committed.Count, payload.Length));
        _committed.Append(payload);
    }

    /// <summary>The close payload is kept as the last entry, so it compares like the others.</summary>
    public void EndWithClose(ushort? status, ReadOnlySpan<byte> payload)
    {
        AddControl(ReceiveEventKind.Close, payload);
        End = FrameLogEnd.Close;
        CloseStatus = status;
    }

    public void EndWithError(ushort status, string reason)
    {
        End = FrameLogEnd.Error;
        ErrorStatus = status;
        ErrorReason = reason;
    }

    public void EndWithInput(int leftover)
    {
        End = FrameLogEnd.EndOfInput;
        Leftover = leftover;
    }

    public ReadOnlySpan<byte> PayloadOf(Entry entry) => _committed.Slice(entry.Offset, entry.Length);

    /// <summary>Null when <paramref name="actual"/> tells the same story as <paramref name="expected"/>.</summary>
    /// <param name="compareReasons">Also compare error reasons (both logs come from the receiver).</param>
    public static string? Difference(FrameEventLog expected, FrameEventLog actual, OpenMessageRule rule, bool compareReasons)
    {
        int common = Math.Min(expected._entries.Count, actual._entries.Count);
        for (int i = 0; i < common; i++)
        {
            Entry e = expected._entries[i];
            Entry a = actual._entries[i];
            if (e.Kind != a.Kind || e.Opcode != a.Opcode || !expected.PayloadOf(e).SequenceEqual(actual.PayloadOf(a)))
            {
                return $"event {i}: expected {expected.Describe(e)}, got {actual.Describe(a)}";
            }
        }
        if (expected._entries.Count != actual._entries.Count)
        {
            return $"expected {expected._entries.Count} events, got {actual._entries.Count}; the first extra one is " +
                (expected._entries.Count > common ? expected.Describe(expected._entries[common]) : actual.Describe(actual._entries[common]));
        }

        string? end = (expected.End, actual.End) switch
        {
            _ when expected.End != actual.End => $"expected the stream to end with {expected.DescribeEnd()}, got {actual.DescribeEnd()}",
            (FrameLogEnd.Close, _) when expected.CloseStatus != actual.CloseStatus => $"close status {actual.CloseStatus}, expected {expected.CloseStatus}",
            (FrameLogEnd.Error, _) when expected.ErrorStatus != actual.ErrorStatus || (compareReasons && expected.ErrorReason != actual.ErrorReason) =>
                $"expected {expected.DescribeEnd()}, got {actual.DescribeEnd()}",
            (FrameLogEnd.EndOfInput, _) when expected.Leftover != actual.Leftover => $"{actual.Leftover} bytes left unconsumed, expected {expected.Leftover}",
            _ => null,
        };
        if (end is not null)
        {
            return end;
        }

        ReadOnlySpan<byte> e0 = expected.OpenMessage;
        ReadOnlySpan<byte> a0 = actual.OpenMessage;
        bool fits = rule switch
        {
            OpenMessageRule.Exact => e0.SequenceEqual(a0),
            OpenMessageRule.ActualIsPrefix => e0.StartsWith(a0),
            _ => e0.StartsWith(a0) || a0.StartsWith(e0),
        };
        return fits ? null
            : $"the unfinished message holds {a0.Length} bytes {Hex(a0)}, expected ({rule}) {e0.Length} bytes {Hex(e0)}";
    }

    private string Describe(Entry entry)
    {
        string what = entry.Kind == ReceiveEventKind.DataFragment ? $"{entry.Opcode} message" : entry.Kind.ToString();
        return $"{what} of {entry.Length} bytes {Hex(PayloadOf(entry))}";
    }

    private string DescribeEnd() => End switch
    {
        FrameLogEnd.Close => $"Close {CloseStatus?.ToString() ?? "(no status)"}",
        FrameLogEnd.Error => $"ProtocolError {ErrorStatus} \"{ErrorReason}\"",
        _ => $"end of input with {Leftover} bytes left",
    };

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 48 ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes[..48]) + "...";

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (Entry entry in _entries)
        {
            text.Append(Describe(entry)).Append("; ");
        }
        return text.Append(DescribeEnd()).ToString();
    }
}
