using System.Globalization;
using System.Text.RegularExpressions;

namespace Websocketfy.Tests.SirenPeer;

/// <summary>What happened at one moment of a recorded SiREN exchange.</summary>
internal enum TranscriptEventKind
{
    Connect,
    ClientSend,
    ServerChunk,
    ServerEof,
    ClientClose,
}

/// <param name="Seconds">Time since the scenario started.</param>
/// <param name="Bytes">Sent or received bytes (empty for the other kinds).</param>
internal sealed record TranscriptEvent(double Seconds, TranscriptEventKind Kind, byte[] Bytes);

/// <summary>
/// One file of docs/siren-transcripts: the events of connection c1 in order, and the
/// per-connection summary the recorder wrote (used to check that parsing lost nothing).
/// </summary>
internal sealed partial record Transcript(string Name, IReadOnlyList<TranscriptEvent> Events, int SummaryTotalBytes, bool SummaryServerClosed)
{
    public static Transcript Load(string path)
    {
        var events = new List<TranscriptEvent>();
        int? total = null;
        bool? closed = null;
        TranscriptEventKind? pendingKind = null;
        double pendingSeconds = 0;
        int pendingLength = 0;
        var pendingBytes = new List<byte>();

        void FlushPending()
        {
            if (pendingKind is TranscriptEventKind kind)
            {
                if (pendingBytes.Count != pendingLength)
                {
                    throw new FormatException($"{path}: event at {pendingSeconds}s announces {pendingLength} bytes, hex has {pendingBytes.Count}");
                }

                events.Add(new TranscriptEvent(pendingSeconds, kind, [.. pendingBytes]));
                pendingKind = null;
                pendingBytes.Clear();
            }
        }

        foreach (string line in File.ReadLines(path))
        {
            if (EventLine().Match(line) is { Success: true } ev)
            {
                FlushPending();
                double seconds = double.Parse(ev.Groups["time"].Value, CultureInfo.InvariantCulture);
                TranscriptEventKind kind = ev.Groups["what"].Value switch
                {
                    "CONNECT" => TranscriptEventKind.Connect,
                    "C->S" => TranscriptEventKind.ClientSend,
                    "S->C" => TranscriptEventKind.ServerChunk,
                    "EOF" => TranscriptEventKind.ServerEof,
                    _ => TranscriptEventKind.ClientClose,
                };
                if (ev.Groups["length"].Success)
                {
                    pendingKind = kind;
                    pendingSeconds = seconds;
                    pendingLength = int.Parse(ev.Groups["length"].Value, CultureInfo.InvariantCulture);
                }
                else
                {
                    events.Add(new TranscriptEvent(seconds, kind, []));
                }
            }
            else if (pendingKind is not null && HexLine().Match(line) is { Success: true } hex)
            {
                // The hex bytes come before the "|ascii|" column; stop at its opening bar.
                foreach (string token in hex.Groups["rest"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.Contains('|', StringComparison.Ordinal))
                    {
                        break;
                    }

                    pendingBytes.Add(byte.Parse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
            else if (SummaryLine().Match(line) is { Success: true } summary)
            {
                total = int.Parse(summary.Groups["total"].Value, CultureInfo.InvariantCulture);
                closed = summary.Groups["closed"].Value == "true";
            }
        }

        FlushPending();
        return new Transcript(
            Path.GetFileNameWithoutExtension(path),
            events,
            total ?? throw new FormatException($"{path}: no summary line"),
            closed ?? throw new FormatException($"{path}: no summary line"));
    }

    /// <summary>Everything the server sent, concatenated.</summary>
    public byte[] ServerBytes() => [.. Events.Where(e => e.Kind == TranscriptEventKind.ServerChunk).SelectMany(e => e.Bytes)];

    /// <summary>Everything the client sent, one entry per write.</summary>
    public IReadOnlyList<byte[]> ClientWrites() => [.. Events.Where(e => e.Kind == TranscriptEventKind.ClientSend).Select(e => e.Bytes)];

    public override string ToString() => Name;

    [GeneratedRegex(@"^\[\+\s*(?<time>[0-9.]+)s\] c1 (?<what>CONNECT|C->S|S->C|EOF|CLIENT-CLOSE)(?: (?<length>[0-9]+) bytes)?")]
    private static partial Regex EventLine();

    [GeneratedRegex(@"^\s+[0-9a-f]{8}  (?<rest>.*)$")]
    private static partial Regex HexLine();

    [GeneratedRegex(@"^c1: \{""rx_total_bytes"": (?<total>[0-9]+),.*""server_closed\(EOF\)"": (?<closed>true|false)")]
    private static partial Regex SummaryLine();
}
