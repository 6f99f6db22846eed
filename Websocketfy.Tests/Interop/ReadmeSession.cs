using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Interop;

/// <summary>What the screen shows after each typed line of a terminal session: wscat's messages, one
/// entry per thing wscat prints (a line of its own, or a received message after <c>&lt; </c>).</summary>
internal sealed record SessionStep(string? Typed, IReadOnlyList<string> Shown);

/// <summary>
/// The README's "A session with wscat" block: the command line (after <c>$ </c>), then the screen as
/// an operator sees it: lines typed after wscat's prompt <c>&gt; </c>, and what wscat prints.
/// </summary>
/// <remarks>
/// A printed thing runs over several lines when a message holds newlines: every line up to the
/// next <c>&gt; </c> or <c>&lt; </c> belongs to it (a reply that ends with a newline shows as an empty
/// line). After a typed line, or at the start, a line that is not a message is one of wscat's own
/// (<c>Connected ...</c>, <c>Disconnected ...</c>).
/// </remarks>
internal sealed record ReadmeSession(string CommandLine, IReadOnlyList<SessionStep> Steps)
{
    public const string Heading = "### A session with wscat";

    public static string ReadmePath => Path.Combine(RepositoryPaths.Root, "README.md");

    public static ReadmeSession Load() => Parse(File.ReadAllText(ReadmePath));

    public static ReadmeSession Parse(string readme)
    {
        int heading = readme.IndexOf(Heading, StringComparison.Ordinal);
        if (heading < 0) throw new FormatException($"README.md has no \"{Heading}\" section");
        int open = readme.IndexOf("```\n", heading, StringComparison.Ordinal);
        int close = open < 0 ? -1 : readme.IndexOf("\n```", open + 4, StringComparison.Ordinal);
        if (close < 0) throw new FormatException($"the \"{Heading}\" section has no ``` block");
        string[] lines = readme[(open + 4)..close].Split('\n');
        if (!lines[0].StartsWith("$ ", StringComparison.Ordinal)) throw new FormatException("the wscat session does not start with a \"$ \" command line");

        var steps = new List<SessionStep>();
        string? typed = null;
        var shown = new List<string>();
        List<string>? message = null;
        foreach (string line in lines.Skip(1))
        {
            if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                Flush();
                steps.Add(new SessionStep(typed, [.. shown]));
                typed = line[2..];
                shown.Clear();
            }
            else if (line.StartsWith("< ", StringComparison.Ordinal) || message is null)
            {
                Flush();
                message = [line];
            }
            else
            {
                message.Add(line);
            }
        }
        Flush();
        steps.Add(new SessionStep(typed, [.. shown]));
        return new ReadmeSession(lines[0][2..], steps);

        void Flush()
        {
            if (message is not null) shown.Add(string.Join('\n', message));
            message = null;
        }
    }
}
