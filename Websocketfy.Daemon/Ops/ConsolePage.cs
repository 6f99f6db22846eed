using System.Security.Cryptography;
using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The operator console (--console): one self-contained HTML page, assembled on first use from the
/// sources embedded in the daemon (Ops/Console/), with a Content-Security-Policy that allows exactly
/// its own inline scripts and style (by SHA-256), a WebSocket back to this daemon, and nothing else.
/// </summary>
internal sealed class ConsolePage
{
    /// <summary>The template and the sources it inlines, by their {{name}} in the template.</summary>
    private const string TemplateName = "console.html";

    private readonly byte[] _answer;
    private readonly byte[] _headAnswer;

    private ConsolePage(string html, string policy)
    {
        Html = html;
        ContentSecurityPolicy = policy;
        _answer = HttpResponses.Plain(200, "text/html; charset=utf-8", html,
        [
            new("Content-Security-Policy", policy),
            new("X-Content-Type-Options", "nosniff"),
            new("Referrer-Policy", "no-referrer"),
            new("Cache-Control", "no-store"),
            new("Cross-Origin-Opener-Policy", "same-origin"),
        ]);
        _headAnswer = HttpResponses.HeadOnly(_answer);
    }

    public string Html { get; }

    public string ContentSecurityPolicy { get; }

    /// <summary>The whole HTTP answer, built once: 200 with the page, or its head alone for HEAD.</summary>
    public byte[] Answer(bool headOnly) => headOnly ? _headAnswer : _answer;

    /// <summary>Assembles the page from the daemon's embedded sources.</summary>
    public static ConsolePage Load()
    {
        string html = Assemble(ReadSource(TemplateName), ReadSource);
        return new ConsolePage(html, PolicyFor(html));
    }

    /// <summary>Replaces every {{name}} in the template with the source of that name.</summary>
    internal static string Assemble(string template, Func<string, string> source)
    {
        var page = new StringBuilder(template.Length * 8);
        int at = 0;
        while (true)
        {
            int open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0) break;
            int close = template.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0) throw new InvalidOperationException("console template: {{ without }}");
            page.Append(template, at, open - at).Append(source(template[(open + 2)..close]));
            at = close + 2;
        }
        return page.Append(template, at, template.Length - at).ToString();
    }

    /// <summary>
    /// The policy for a page whose scripts and styles are all inline: each inline &lt;script&gt; and
    /// &lt;style&gt; is allowed by the SHA-256 of its text (CSP Level 3 hash sources), so no other
    /// script can run, not even one injected into the page. connect-src 'self' covers ws: and wss: to
    /// the same host and port; img-src data: only serves the empty favicon.
    /// </summary>
    internal static string PolicyFor(string html)
    {
        string scripts = string.Join(' ', InlineBlocks(html, "script").Select(HashSource));
        string styles = string.Join(' ', InlineBlocks(html, "style").Select(HashSource));
        return $"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; img-src data:; "
             + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";
    }

    /// <summary>The text between each &lt;tag&gt; and &lt;/tag&gt; (the console's inline elements carry no attributes).</summary>
    internal static IEnumerable<string> InlineBlocks(string html, string tag)
    {
        string open = $"<{tag}>", close = $"</{tag}>";
        int at = 0;
        while ((at = html.IndexOf(open, at, StringComparison.Ordinal)) >= 0)
        {
            int start = at + open.Length;
            int end = html.IndexOf(close, start, StringComparison.Ordinal);
            if (end < 0) throw new InvalidOperationException($"console page: <{tag}> without </{tag}>");
            yield return html[start..end];
            at = end + close.Length;
        }
    }

    private static string HashSource(string inline) =>
        $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)))}'";

    private static string ReadSource(string name)
    {
        using Stream? stream = typeof(ConsolePage).Assembly.GetManifestResourceStream("console/" + name)
            ?? throw new InvalidOperationException($"console source {name} is not embedded in the daemon");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
