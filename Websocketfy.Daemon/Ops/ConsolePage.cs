using System.Net;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Ops;

/// <summary>
/// The operator console (--console): one self-contained HTML page, assembled on first use from the
/// sources embedded in the daemon (Ops/Console/, and the JS client library clients/js/websocketfy.js,
/// inlined into the page's one module script), with a Content-Security-Policy that allows exactly
/// its own inline script and style (by SHA-256), a WebSocket to this daemon's main port, and nothing else.
/// </summary>
internal sealed class ConsolePage
{
    /// <summary>The template and the sources it inlines, by their {{name}} in the template.</summary>
    private const string TemplateName = "console.html";

    /// <summary>Where the page learns the URL of its WebSocket; empty: the host and port that served the page.</summary>
    internal const string GatewayMeta = "<meta name=\"websocketfy-gateway\" content=\"\">";

    private static readonly KeyValuePair<string, string>[] FixedHeaders =
    [
        new("X-Content-Type-Options", "nosniff"),
        new("Referrer-Policy", "no-referrer"),
        new("Cache-Control", "no-store"),
        new("Cross-Origin-Opener-Policy", "same-origin"),
    ];

    private readonly byte[] _answer;
    private readonly byte[] _headAnswer;
    /// <summary>The hash sources of the inline scripts and styles, the same whatever the WebSocket's target.</summary>
    private readonly string _scripts, _styles;

    private ConsolePage(string html)
    {
        if (!html.Contains(GatewayMeta, StringComparison.Ordinal))
            throw new InvalidOperationException("console template: no " + GatewayMeta);
        Html = html;
        _scripts = string.Join(' ', InlineBlocks(html, "script").Select(HashSource));
        _styles = string.Join(' ', InlineBlocks(html, "style").Select(HashSource));
        ContentSecurityPolicy = PolicyFor("'self'");
        _answer = Render(html, ContentSecurityPolicy);
        _headAnswer = HttpResponses.HeadOnly(_answer);
    }

    public string Html { get; }

    public string ContentSecurityPolicy { get; }

    /// <summary>The whole HTTP answer for the main port, built once: 200 with the page, or its head alone for HEAD.
    /// The page's WebSocket goes back to where the page came from ('self').</summary>
    public byte[] Answer(bool headOnly) => headOnly ? _headAnswer : _answer;

    /// <summary>The answer for the ops listener: the page told to open its WebSocket at <paramref name="target"/>
    /// (the main port), with a policy that allows exactly that. Built per request: the host comes from it.</summary>
    public byte[] Answer(ConsoleSocketTarget target, bool headOnly)
    {
        string html = Html.Replace(GatewayMeta,
            $"<meta name=\"websocketfy-gateway\" content=\"{WebUtility.HtmlEncode(target.Url)}\">", StringComparison.Ordinal);
        byte[] answer = Render(html, PolicyFor(target.ConnectSource));
        return headOnly ? HttpResponses.HeadOnly(answer) : answer;
    }

    /// <summary>Assembles the page from the daemon's embedded sources.</summary>
    public static ConsolePage Load() => new(Assemble(ReadSource(TemplateName), ReadSource));

    private static byte[] Render(string html, string policy) =>
        HttpResponses.Plain(200, "text/html; charset=utf-8", html, [new("Content-Security-Policy", policy), .. FixedHeaders]);

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
    /// script can run, not even one injected into the page. <paramref name="connectSource"/> is where the
    /// WebSocket may go: 'self' (ws: and wss: to the same host and port) on the main port, the main port's
    /// origin on the ops listener; img-src data: only serves the empty favicon.
    /// </summary>
    private string PolicyFor(string connectSource) =>
        $"default-src 'none'; script-src {_scripts}; style-src {_styles}; connect-src {connectSource}; img-src data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";

    /// <summary>The text between each &lt;tag&gt; (or &lt;script type="module"&gt;: the console's one script
    /// is an ES module, as the client library it inlines is) and &lt;/tag&gt;. Any other attribute is refused:
    /// the page loads nothing (no src).</summary>
    internal static IEnumerable<string> InlineBlocks(string html, string tag)
    {
        string open = $"<{tag}", close = $"</{tag}>";
        int at = 0;
        while ((at = html.IndexOf(open, at, StringComparison.Ordinal)) >= 0)
        {
            int headEnd = html.IndexOf('>', at);
            if (headEnd < 0) throw new InvalidOperationException($"console page: <{tag} without >");
            string attributes = html[(at + open.Length)..headEnd];
            if (attributes.Length > 0 && !(tag == "script" && attributes == " type=\"module\""))
            {
                at = headEnd; // another element whose name starts the same, or an attribute this page never uses
                if (char.IsAsciiLetterOrDigit(attributes[0])) continue;
                throw new InvalidOperationException($"console page: <{tag}{attributes}> is not an inline element the policy allows");
            }
            int start = headEnd + 1;
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
