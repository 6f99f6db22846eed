using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Websocketfy.Daemon.Ops;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The console page as the daemon assembles it: self-contained, and allowed to run only its own code.</summary>
public sealed partial class ConsolePageAssemblyTests
{
    private static readonly ConsolePage Page = ConsolePage.Load();

    [GeneratedRegex(@"<(script|style)\b([^>]*)>(.*?)</\1>", RegexOptions.Singleline)]
    private static partial Regex InlineElement();

    [GeneratedRegex(@"\b(src|href|action|srcset|poster|data)\s*=\s*[""']?(?<url>[^""'\s>]*)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttribute();

    [Test]
    public void EveryPlaceholder_IsFilled()
    {
        Assert.That(Page.Html, Does.Not.Contain("{{").And.Not.Contain("}}"));
        Assert.That(Page.Html, Does.Contain("class GatewayConnection").And.Contain("function parseDicom").And.Contain("--accent"));
        Assert.That(Page.Html, Does.Contain(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "clients", "js", "websocketfy.js"))),
                    "the JS client library, as the repository has it");
    }

    [Test]
    public void Policy_AllowsExactlyTheInlineScriptsAndStyles_ByTheirSha256()
    {
        var scripts = new List<string>();
        var styles = new List<string>();
        foreach (Match element in InlineElement().Matches(Page.Html))
        {
            // The one script is an ES module (the JS client library is one); src=... would load something.
            Assert.That(element.Groups[2].Value, Is.EqualTo(element.Groups[1].Value == "script" ? " type=\"module\"" : ""));
            string source = $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(element.Groups[3].Value)))}'";
            (element.Groups[1].Value == "script" ? scripts : styles).Add(source);
        }
        Assert.That(scripts, Has.Count.EqualTo(1));
        Assert.That(Page.ContentSecurityPolicy, Does.Contain($"script-src {string.Join(' ', scripts)};"));
        Assert.That(Page.ContentSecurityPolicy, Does.Contain($"style-src {string.Join(' ', styles)};"));
    }

    [Test]
    public void Policy_IsStrict()
    {
        string policy = Page.ContentSecurityPolicy;
        Assert.That(policy, Does.StartWith("default-src 'none';"));
        Assert.That(policy, Does.Not.Contain("unsafe").And.Not.Contain("*").And.Not.Contain("http"));
        Assert.That(policy, Does.Contain("connect-src 'self';").And.Contain("frame-ancestors 'none'").And.Contain("base-uri 'none'"));
    }

    [Test]
    public void Page_LoadsNothingFromElsewhere()
    {
        string markup = InlineElement().Replace(Page.Html, "");
        string[] urls = [.. UrlAttribute().Matches(markup).Select(m => m.Groups["url"].Value)];
        Assert.That(urls, Is.EqualTo(new[] { "data:," }), "only the empty favicon");
        Assert.That(Page.Html, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("@import").And.Not.Contain("url("));
    }

    [Test]
    public void Page_PutsNoMarkupFromStrings()
    {
        // Replies and file names reach the page as text only; the policy's Trusted Types rule would
        // also stop these sinks at run time.
        Assert.That(Page.Html, Does.Not.Contain("innerHTML").And.Not.Contain("outerHTML").And.Not.Contain("insertAdjacentHTML")
                                   .And.Not.Contain("document.write").And.Not.Contain("eval("));
    }

    [Test]
    public void Answer_IsTheHtmlWithThePolicy_AndHeadIsItsHeadAlone()
    {
        string answer = Encoding.UTF8.GetString(Page.Answer(headOnly: false));
        string head = Encoding.UTF8.GetString(Page.Answer(headOnly: true));
        Assert.That(answer, Does.StartWith("HTTP/1.1 200 OK\r\n").And.EndWith(Page.Html));
        Assert.That(answer, Does.Contain($"\r\nContent-Security-Policy: {Page.ContentSecurityPolicy}\r\n"));
        Assert.That(answer, Does.Contain("\r\nContent-Type: text/html; charset=utf-8\r\n").And.Contain("\r\nX-Content-Type-Options: nosniff\r\n"));
        Assert.That(head, Is.EqualTo(answer[..(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)]));
    }

    [Test]
    public void Assemble_ReplacesEachNamedSource()
    {
        string page = ConsolePage.Assemble("<a>{{x.js}}</a><b>{{y.css}}</b>", name => name.ToUpperInvariant());
        Assert.That(page, Is.EqualTo("<a>X.JS</a><b>Y.CSS</b>"));
    }

    [TestCase("<script src=\"x.js\"></script>")]
    [TestCase("<script type=\"text/javascript\">1</script>")]
    [TestCase("<style media=\"print\">a{}</style>")]
    public void InlineBlocks_RefuseAttributesOtherThanTypeModule(string html) =>
        Assert.That(() => ConsolePage.InlineBlocks(html, html[1..6] == "style" ? "style" : "script").ToList(), Throws.InvalidOperationException);

    [Test]
    public void InlineBlocks_ReadPlainAndModuleScripts() =>
        Assert.That(ConsolePage.InlineBlocks("<script>a</script><scripts>no</scripts><script type=\"module\">b</script>", "script"),
                    Is.EqualTo(new[] { "a", "b" }));

    [Test]
    public void Assemble_WithAnUnclosedPlaceholder_Throws() =>
        Assert.That(() => ConsolePage.Assemble("<a>{{x.js</a>", name => name), Throws.InvalidOperationException);
}
