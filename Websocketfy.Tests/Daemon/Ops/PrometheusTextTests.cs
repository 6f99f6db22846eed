using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Ops;

/// <summary>The exposition checker must itself refuse what the format forbids, or the checks made with it prove nothing.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid =
        "# HELP requests_total Requests \\\\ served,\\nby code.\n" +
        "# TYPE requests_total counter\n" +
        "requests_total{code=\"200\",path=\"a\\\"b\\\\c\\nd\"} 3\n" +
        "requests_total{code=\"500\",} 1 1700000000000\n" +
        "# an ordinary comment\n" +
        "\n" +
        "# TYPE latency_seconds histogram\n" +
        "latency_seconds_bucket{le=\"0.5\"} 1\n" +
        "latency_seconds_bucket{le=\"1e+01\"} 4\n" +
        "latency_seconds_bucket{le=\"+Inf\"} 5\n" +
        "latency_seconds_sum 12.5\n" +
        "latency_seconds_count 5\n" +
        "temperature NaN\n" +
        "  spaced_gauge\t -Inf  \n";

    [Test]
    public void ValidExposition_IsReadWithTypesHelpLabelsAndValues()
    {
        var text = PrometheusText.Parse(Valid);
        Assert.That(text.Family("requests_total").Type, Is.EqualTo("counter"));
        Assert.That(text.Family("requests_total").Help, Is.EqualTo("Requests \\ served,\nby code."));
        Assert.That(text.Value("requests_total", ("path", "a\"b\\c\nd"), ("code", "200")), Is.EqualTo(3));
        Assert.That(text.Value("latency_seconds_bucket", ("le", "+Inf")), Is.EqualTo(5));
        Assert.That(text.Family("latency_seconds").Samples, Has.Count.EqualTo(5));
        Assert.That(text.Family("temperature").Type, Is.EqualTo("untyped"));
        Assert.That(text.Value("spaced_gauge"), Is.EqualTo(double.NegativeInfinity));
    }

    private static readonly (string Name, string Text)[] Breaches =
    [
        ("no final line feed", "a 1"),
        ("second TYPE", "# TYPE a counter\n# TYPE a counter\na 1\n"),
        ("second HELP", "# HELP a x\n# HELP a y\na 1\n"),
        ("TYPE after the samples", "a 1\n# TYPE a counter\n"),
        ("unknown type", "# TYPE a meter\na 1\n"),
        ("family split in two groups", "a 1\nb 1\na{x=\"1\"} 2\n"),
        ("duplicate series", "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 1\n"),
        ("negative counter", "# TYPE a counter\na -1\n"),
        ("bad label escape", "a{x=\"\\t\"} 1\n"),
        ("unterminated label value", "a{x=\"1} 1\n"),
        ("label without quotes", "a{x=1} 1\n"),
        ("reserved label name", "a{__x=\"1\"} 1\n"),
        ("label given twice", "a{x=\"1\",x=\"2\"} 1\n"),
        ("bad metric name", "1a 1\n"),
        ("bad value", "a one\n"),
        ("hex value", "a 0x10\n"),
        ("bad timestamp", "a 1 1.5\n"),
        ("bad HELP escape", "# HELP a x\\ty\na 1\n"),
        ("histogram without +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"),
        ("histogram not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n"),
        ("histogram bounds out of order", "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"),
        ("histogram count differs from +Inf", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"),
        ("histogram without sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n"),
        ("histogram bucket without le", "# TYPE h histogram\nh_bucket 2\nh_sum 1\nh_count 2\n"),
        ("histogram sample without suffix", "# TYPE h histogram\nh 2\n"),
    ];

    private static IEnumerable<TestCaseData> BreachCases() => Breaches.Select(b => new TestCaseData(b.Text).SetName("Refuses " + b.Name));

    [TestCaseSource(nameof(BreachCases))]
    public void Breach_IsRefused(string text) =>
        Assert.That(() => PrometheusText.Parse(text), Throws.TypeOf<FormatException>());
}
