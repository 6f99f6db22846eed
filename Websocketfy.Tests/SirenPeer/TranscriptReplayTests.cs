using System.Diagnostics;
using System.Text;
using Websocketfy.SirenDemo;

namespace Websocketfy.Tests.SirenPeer;

/// <summary>
/// Replays every recorded exchange with the real SiREN server against the peer and demands the
/// same bytes back. Gaps between sends are shortened (the peer answers in microseconds), but each
/// send waits until the previous reply has fully arrived, so every write is read as one chunk,
/// as it was by SiREN.
/// </summary>
public sealed class TranscriptReplayTests
{
    // The recordings waited 0.5–1.5 s between commands; this keeps the rhythm without the wait.
    private static readonly TimeSpan LongestGap = TimeSpan.FromMilliseconds(60);

    // Time to let unexpected extra bytes show up before the comparison.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(80);

    public static IEnumerable<TestCaseData> Transcripts() =>
        Directory.GetFiles(RepositoryPaths.Transcripts, "*.txt")
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(Path.GetFileName(path)).SetName($"Replay_{Path.GetFileNameWithoutExtension(path)}_MatchesSirenByteForByte"));

    [TestCaseSource(nameof(Transcripts))]
    public async Task Replay(string fileName)
    {
        Transcript transcript = Transcript.Load(Path.Combine(RepositoryPaths.Transcripts, fileName));
        await using var server = new SirenPeerServer();
        server.Start();

        RawSirenClient? client = null;
        var expected = new List<byte>();
        double? previousSend = null;
        var sinceLastSend = Stopwatch.StartNew();
        try
        {
            foreach (TranscriptEvent ev in transcript.Events)
            {
                switch (ev.Kind)
                {
                    case TranscriptEventKind.Connect:
                        client = await RawSirenClient.ConnectAsync(server.EndPoint);
                        break;
                    case TranscriptEventKind.ServerChunk:
                        expected.AddRange(ev.Bytes);
                        break;
                    case TranscriptEventKind.ClientSend:
                        await client!.WaitForBytesAsync(expected.Count);
                        await KeepGapAsync(previousSend is double p ? ev.Seconds - p : 0, sinceLastSend);
                        await client.SendAsync(ev.Bytes);
                        sinceLastSend.Restart();
                        previousSend = ev.Seconds;
                        break;
                    case TranscriptEventKind.ServerEof:
                        await client!.WaitForEofAsync();
                        break;
                    case TranscriptEventKind.ClientClose:
                        await client!.WaitForBytesAsync(expected.Count);
                        await Task.Delay(Settle);
                        AssertSameBytes(client.Received, [.. expected], transcript);
                        Assert.That(client.ServerClosed, Is.EqualTo(transcript.SummaryServerClosed), "server EOF");
                        break;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        // Each write of the client was one command for the peer, as for SiREN.
        Assert.That(server.CommandsReceived.Select(c => c.Bytes), Is.EqualTo(transcript.ClientWrites()));
    }

    [TestCaseSource(nameof(Transcripts))]
    public void ParsedTranscript_AccountsForEveryRecordedByte(string fileName)
    {
        Transcript transcript = Transcript.Load(Path.Combine(RepositoryPaths.Transcripts, fileName));

        Assert.That(transcript.ServerBytes(), Has.Length.EqualTo(transcript.SummaryTotalBytes));
        Assert.That(transcript.Events[0].Kind, Is.EqualTo(TranscriptEventKind.Connect));
        Assert.That(transcript.Events[^1].Kind, Is.EqualTo(TranscriptEventKind.ClientClose));
    }

    [Test]
    public void InRepositoryTranscripts_AreTheSharedOnes()
    {
        if (!Directory.Exists(RepositoryPaths.SharedTranscripts))
        {
            Assert.Ignore("No shared docs next to this clone; the in-repository copy is all there is.");
        }

        foreach (string shared in Directory.GetFiles(RepositoryPaths.SharedTranscripts))
        {
            string copy = Path.Combine(RepositoryPaths.Transcripts, Path.GetFileName(shared));
            Assert.That(File.Exists(copy), Is.True, copy);
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(shared)), copy);
        }
    }

    private static async Task KeepGapAsync(double recordedGapSeconds, Stopwatch sinceLastSend)
    {
        TimeSpan gap = TimeSpan.FromSeconds(recordedGapSeconds);
        TimeSpan wanted = gap < LongestGap ? gap : LongestGap;
        TimeSpan remaining = wanted - sinceLastSend.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }
    }

    private static void AssertSameBytes(byte[] actual, byte[] expected, Transcript transcript)
    {
        // Latin-1 maps bytes one to one onto chars: equal strings are equal bytes, and a
        // difference prints readably.
        string actualText = RawSirenClient.Printable(Encoding.Latin1.GetString(actual));
        string expectedText = RawSirenClient.Printable(Encoding.Latin1.GetString(expected));
        Assert.That(actualText, Is.EqualTo(expectedText), $"bytes received in {transcript.Name}");
    }
}
