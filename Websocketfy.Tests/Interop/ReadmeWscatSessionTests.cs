using System.Text;
using System.Text.RegularExpressions;
using Websocketfy.Tests.SirenPeer;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Interop;

/// <summary>
/// The README's wscat session, replayed: its command line (only the port changed) runs in a terminal
/// against the demo as samples/run-demo starts it (the demo SiREN backend and the daemon on the sample
/// tree), each "&gt;" line is typed, and the screen must show what the README shows. So the README
/// cannot drift from the product.
/// </summary>
[TestFixture]
public sealed partial class ReadmeWscatSessionTests
{
    private const string ReadmeAddress = "127.0.0.1:8080";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ReadmeSession_ShowsWhatTheReadmeShows()
    {
        var session = ReadmeSession.Load();
        Assert.That(session.CommandLine, Does.StartWith("wscat ").And.Contain(ReadmeAddress), "the README's command line");
        InteropTools.Wscat();

        await using var siren = DaemonProcess.Start(["--port", "0"], program: DaemonProcess.SirenDemoPath);
        int sirenPort = await siren.WaitUntilListeningAsync();
        // samples/run-demo's daemon arguments, on free ports.
        await using var daemon = DaemonProcess.Start(["--port", "0", "--siren", $"127.0.0.1:{sirenPort}", "--root", RepositoryPaths.SamplePacs]);
        int port = await daemon.WaitUntilListeningAsync();

        await using var terminal = TerminalSession.Start(session.CommandLine.Replace(ReadmeAddress, $"127.0.0.1:{port}", StringComparison.Ordinal));
        var expected = new List<string>();
        foreach (var step in session.Steps)
        {
            // Like an operator: type the next line once the screen shows the answer to the last one.
            if (step.Typed is not null) await terminal.TypeAsync(step.Typed);
            expected.AddRange(step.Shown.Select(shown => Expected(shown, step.Typed)));
            await terminal.WaitForPrintsAsync(expected.Count, Patience);
        }
        int exitCode = await terminal.WaitForExitAsync(Patience);

        Assert.That(terminal.Printed, Is.EqualTo(expected), "the screen; raw:\n" + TerminalSession.Escape(terminal.Raw));
        Assert.That(exitCode, Is.Zero, "wscat's exit code");
    }

    [Test]
    public void ReadmeSession_IsParsedIntoTypedLinesAndWhatEachShows()
    {
        // The control for the test above: a change of the README's format must not make it vacuous.
        var session = ReadmeSession.Load();

        Assert.That(session.Steps.Select(s => s.Typed), Is.EqualTo(new[]
        {
            null, "SELECT * FROM images", "REQUEST study1/img001.dcm", "REQUEST ../etc/passwd", "FOO BAR", "QUIT",
        }));
        Assert.That(session.Steps.Select(s => s.Shown.Count), Is.EqualTo(new[] { 1, 1, 1, 1, 1, 1 }));
        Assert.That(session.Steps[^1].Shown[0], Is.EqualTo("Disconnected (code: 1000, reason: \"\")"));
    }

    /// <summary>
    /// What the README line stands for. A binary file printed raw cannot be written into a README; it
    /// shows as <c>&lt; DICM...  (a binary message: the file's N bytes, printed raw by wscat)</c>, which
    /// stands for the file the typed REQUEST names, decoded as wscat decodes it (UTF-8, U+FFFD for bad
    /// bytes), provided the file has N bytes and its text starts with what the README shows.
    /// </summary>
    private static string Expected(string shown, string? typed)
    {
        var binary = BinaryPlaceholder().Match(shown);
        if (!binary.Success) return shown;
        Assert.That(typed, Does.StartWith("REQUEST "), "a binary message in the README answers a REQUEST");
        byte[] file = File.ReadAllBytes(Path.Combine(RepositoryPaths.SamplePacs, typed!["REQUEST ".Length..]));
        string text = "< " + Encoding.UTF8.GetString(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.That(file.Length, Is.EqualTo(int.Parse(binary.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture)), "the file's size in the README");
        Assert.That(text.Replace("\0", "", StringComparison.Ordinal), Does.StartWith("< " + binary.Groups["start"].Value), "what the README shows of it (NULs show as nothing)");
        return text;
    }

    [GeneratedRegex(@"^< (?<start>\S+)\.\.\.\s+\(a binary message: the file's (?<size>\d+) bytes, printed raw by wscat\)$")]
    private static partial Regex BinaryPlaceholder();
}
