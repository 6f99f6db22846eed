using System.Text.Json.Nodes;
using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Browser;

/// <summary>
/// The operator console in headless Chromium, served by the real daemon over the sample tree and the
/// SiREN peer, driven through its user interface as an operator would. One browser run does every
/// action in order; each test checks one of them. Screenshots are attached to the tests.
/// </summary>
[TestFixture, Category("Browser")]
public sealed class ConsolePageTests : BrowserFixture
{
    private const string CtPhantom = "phantoms/ct-head-implicit-16bit.dcm";
    private const string MrPhantom = "phantoms/mr-explicit-signed-16bit.dcm";

    // Points of the CT phantom (samples/make-pacs.py, ct_head_hu) and their Hounsfield units.
    private static readonly (int X, int Y, int Hu)[] CtPoints = [(2, 2, -1000), (63, 6, 1000), (64, 40, 30), (80, 90, 70), (52, 58, 5)];

    private string _screenshots = null!;

    [OneTimeSetUp]
    public async Task RunTheConsoleAsync()
    {
        await StartGatewayAsync(o => o with { Root = RepositoryPaths.SamplePacs });
        _screenshots = BrowserDriver.ScreenshotFolder(nameof(ConsolePageTests));
        AddAction("failed", new JsonObject { ["sql"] = "FOO BAR" });
        AddAction("empty", new JsonObject { ["sql"] = "SELECT * FROM images WHERE id = 99" });
        AddAction("select", new JsonObject { ["sql"] = DemoReplies.SelectAllImages });
        AddAction("classic", new JsonObject { ["protocol"] = "classic" });
        AddAction("binary", new JsonObject { ["sql"] = DemoReplies.SelectAllImages, ["binary"] = true });
        AddAction("classicMissing", new JsonObject { ["file"] = "no/such/file.dcm" });
        AddAction("v2", new JsonObject { ["protocol"] = "v2" });
        AddAction("png", new JsonObject { ["file"] = "study1/preview.png", ["samples"] = Points((5, 0), (31, 31)), ["screenshot"] = "png.png" });
        AddAction("pgm", new JsonObject { ["file"] = "phantom.pgm", ["samples"] = Points((0, 0), (3, 4), (15, 15)) });
        AddAction("dicom8", new JsonObject { ["file"] = "study1/img001.dcm" });
        AddAction("missing", new JsonObject { ["file"] = "no/such/file.dcm" });
        AddAction("mr", new JsonObject { ["file"] = MrPhantom, ["samples"] = Points((47, 47), (0, 0)), ["screenshot"] = "mr.png" });
        AddAction("ct", new JsonObject
        {
            ["file"] = CtPhantom,
            ["samples"] = Points([.. CtPoints.Select(p => (p.X, p.Y))]),
            ["screenshot"] = "console.png",
        });
        AddAction("patient", new JsonObject { ["showPatient"] = true });
        AddAction("drag", new JsonObject { ["drag"] = new JsonObject { ["dx"] = 60, ["dy"] = 0 }, ["samples"] = Points((64, 40)) });
        AddAction("quit", new JsonObject { ["quit"] = true });
        await BrowseConsoleAsync(new JsonObject { ["outputDir"] = _screenshots });
    }

    private void Attach(string file, string description) =>
        TestContext.AddTestAttachment(Path.Combine(_screenshots, file), description);

    [Test]
    public void Page_ConnectsOnLoad_WithoutErrorsOrPolicyViolations()
    {
        Assert.That(Run.Result["status"].Str("state"), Is.EqualTo("open"));
        Assert.That(Run.Page["pageErrors"].Strings(), Is.Empty);
        Assert.That(Run.Page["consoleErrors"].Strings(), Is.Empty);
        Assert.That(Run.Result["cspViolations"].Strings(), Is.Empty);
        Assert.That(Run.Page.Str("csp"), Does.Contain("script-src 'sha256-").And.Not.Contain("unsafe"));
    }

    [Test]
    public void Select_ShowsSirensHeaderAndRowsAsATable()
    {
        JsonNode select = Action("select");
        string[] lines = DemoReplies.AllImages.TrimEnd('\n').Split('\n');
        Assert.That(select.Str("state"), Is.EqualTo("table"));
        Assert.That(select["headers"].Strings(), Is.EqualTo(lines[0].Split(", ")));
        Assert.That(select["rows"]!.AsArray().Select(r => string.Join(", ", r.Strings())), Is.EqualTo(lines[1..]));
        Assert.That(select.Str("raw"), Is.EqualTo(DemoReplies.AllImages));
    }

    [Test]
    public void Page_SpeaksWebsocketfyV2ThroughTheJsClient_AndTheClassicProtocolOnRequest()
    {
        Assert.That(Run.Result["log"]!.AsArray().Select(entry => entry.Str("text")),
                    Has.Some.Contains("websocketfy.v2 (clients/js/websocketfy.js)"), "on load");
        Assert.That(Action("classic")["status"].Str("state"), Is.EqualTo("open"));
        Assert.That(Action("classic")["log"]![0].Str("text"), Does.EndWith("classic protocol"));
        Assert.That(Action("v2")["log"]![0].Str("text"), Does.EndWith("websocketfy.v2 (clients/js/websocketfy.js)"));
    }

    [Test]
    public void Select_OverV2_ShowsTheDaemonsSplitOfColumnsAndRows()
    {
        JsonNode select = Action("select");
        Assert.That(select.Str("meta"), Does.StartWith("websocketfy.v2 · "));
        Assert.That(select.Str("count"), Does.Contain("split by the daemon (websocketfy.v2)"));
    }

    [Test]
    public void Select_SentAsBinary_ShowsTheSameTable()
    {
        JsonNode binary = Action("binary");
        Assert.That((binary.Str("state"), binary.Str("raw"), binary.Str("meta")),
                    Is.EqualTo(("table", DemoReplies.AllImages, binary.Str("meta"))));
        Assert.That(binary.Str("meta"), Does.StartWith("binary reply"));
    }

    [Test]
    public void CommandSirenRejects_ShowsItsErrorText()
    {
        JsonNode failed = Action("failed");
        Assert.That((failed.Str("state"), failed.Str("message")),
                    Is.EqualTo(("failed", "Command failed.\n[1] DESC expected. 'FOO' found instead.\n")));
    }

    [Test]
    public void EmptyResult_SaysThatSirenSentNoBody()
    {
        JsonNode empty = Action("empty");
        Assert.That((empty.Str("state"), empty.Str("raw")), Is.EqualTo(("message", "")));
    }

    [Test]
    public void Commands_AreKeptInTheHistory_NewestFirst()
    {
        Assert.That(Action("select")["history"].Strings(),
                    Is.EqualTo(new[] { DemoReplies.SelectAllImages, "SELECT * FROM images WHERE id = 99", "FOO BAR" }));
    }

    [Test]
    public void Png_IsDrawnAtItsSize_WithItsPixels()
    {
        JsonNode png = Action("png");
        Attach("png.png", "the console after opening study1/preview.png");
        JsonNode preview = Drawn(png, "png", 32, 32);
        // make-pacs.py: grey (x * 8) % 256.
        Assert.That(Greys(preview), Is.EqualTo(new[] { 40, 248 }));
        Assert.That(png["facts"].Str("size"), Does.StartWith("110 bytes"));
    }

    [Test]
    public void File_ShowsItsSizeSha256AndDownloadTime()
    {
        JsonNode facts = Action("png")["facts"]!;
        byte[] png = File.ReadAllBytes(Path.Combine(RepositoryPaths.SamplePacs, "study1", "preview.png"));
        Assert.That((facts.Str("size"), facts.Str("sha256")), Is.EqualTo(($"{png.Length} bytes ({png.Length} B)", BrowserWebSocketTests.Sha256(png))));
        Assert.That(facts.Str("time"), Does.Match(@"^\d+\.\d (ms|s) · "));
        Assert.That(facts.Str("checked"), Does.StartWith("equal to the daemon"), "websocketfy.v2 asked for the daemon's SHA-256 and compared");
    }

    [Test]
    public void Pgm_IsDecodedInThePage()
    {
        JsonNode preview = Drawn(Action("pgm"), "pgm", 16, 16);
        // make-pacs.py: grey (x + y) * 8 with maxval 255.
        Assert.That(Greys(preview), Is.EqualTo(new[] { 0, 56, 240 }));
    }

    [Test]
    public void SmallSampleDicom_IsDrawnAtItsSize_WithTheWindowOfItsValues()
    {
        JsonNode dicom = Action("dicom8");
        JsonNode preview = Drawn(dicom, "dicom", 8, 8);
        Assert.That(preview.Long("distinctColours"), Is.GreaterThan(16));
        Assert.That(dicom["fields"].Str("Rows"), Is.EqualTo("8"));
    }

    [Test]
    public void MissingFile_ShowsFileNotFound()
    {
        JsonNode missing = Action("missing");
        Assert.That((missing["facts"].Str("reply"), missing["facts"].Str("code")), Is.EqualTo((DemoReplies.FileNotFound, "not_found")));
        JsonNode classic = Action("classicMissing");
        Assert.That((classic["facts"].Str("reply"), classic["facts"]!["code"]), Is.EqualTo((DemoReplies.FileNotFound, (JsonNode?)null)));
    }

    [Test]
    public void CtPhantom_16BitImplicitVr_IsDrawnWithTheWindowFromItsHeader()
    {
        JsonNode ct = Action("ct");
        Attach("console.png", "the console after a SELECT and opening the CT phantom");
        JsonNode preview = Drawn(ct, "dicom", 128, 128);
        Assert.That((preview.Str("windowWidth"), preview.Str("windowCenter")), Is.EqualTo(("400", "40")));
        Assert.That(Greys(preview), Is.EqualTo(CtPoints.Select(p => WindowedGrey(p.Hu, center: 40, width: 400))));
        Assert.That(ct["fields"].Str("Transfer syntax"), Does.StartWith("Implicit VR Little Endian"));
    }

    [Test]
    public void PatientFields_AreHidden_UntilTheOperatorAsks()
    {
        JsonNode hidden = Action("ct")["fields"]!;
        JsonNode shown = Action("patient")["fields"]!;
        Assert.That(hidden.AsObject().Select(f => f.Key), Has.None.StartWith("Patient"));
        Assert.That(hidden.ToJsonString(), Does.Not.Contain("PHANTOM^CT").And.Not.Contain("PH-0001"));
        Assert.That((shown.Str("PatientName"), shown.Str("PatientID")), Is.EqualTo(("PHANTOM^CT", "PH-0001")));
    }

    [Test]
    public void DraggingToTheRight_WidensTheWindow_AndRedraws()
    {
        JsonNode before = Action("ct")["preview"]!;
        JsonNode after = Action("drag")["preview"]!;
        double width = double.Parse(after.Str("windowWidth")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That((width > 400, after.Str("windowCenter")), Is.EqualTo((true, "40")));
        // The brain (30 HU) redrawn under the wider window; the width shown is rounded to 0.1.
        Assert.That(Greys(after)[0], Is.Not.EqualTo(Greys(before)[2]).And.EqualTo(WindowedGrey(30, center: 40, width)).Within(1));
    }

    [Test]
    public void MrPhantom_SignedExplicitVrWithoutWindow_UsesTheRangeOfItsValues()
    {
        JsonNode mr = Action("mr");
        Attach("mr.png", "the console after opening the MR phantom");
        JsonNode preview = Drawn(mr, "dicom", 96, 96);
        // Values -200..800: the window spans them, so the centre (800) is white and the corner (-200) black.
        Assert.That((preview.Str("windowWidth"), preview.Str("windowCenter")), Is.EqualTo(("1001", "300")));
        Assert.That(Greys(preview), Is.EqualTo(new[] { 255, 0 }));
        Assert.That(mr.Str("note"), Does.Contain("No window in the header"));
    }

    [Test]
    public void Quit_ClosesWith1000_AndTheLogSaysSo()
    {
        JsonNode quit = Action("quit");
        Assert.That(quit["status"].Str("state"), Is.EqualTo("closed"));
        Assert.That(quit["log"]![0].Str("text"), Does.Contain("closed with code 1000"));
    }

    /// <summary>The preview of a file action, checked to be a canvas of the image's size with every
    /// pixel opaque and some of them not black.</summary>
    private static JsonNode Drawn(JsonNode fileAction, string kind, int width, int height)
    {
        JsonNode preview = fileAction["preview"]!;
        Assert.That((preview.Str("state"), preview.Str("kind"), preview.Long("width"), preview.Long("height")),
                    Is.EqualTo(("drawn", kind, (long)width, (long)height)));
        Assert.That((preview.Long("opaque"), preview.Long("notBlack") > 0), Is.EqualTo(((long)width * height, true)));
        return preview;
    }

    private static JsonArray Points(params (int X, int Y)[] points) =>
        [.. points.Select(p => (JsonNode)new JsonArray(p.X, p.Y))];

    /// <summary>The red channel of each sampled pixel (the previews are grey).</summary>
    private static int[] Greys(JsonNode preview) =>
        [.. preview["samples"]!.AsArray().Select(rgba => rgba![0]!.GetValue<int>())];

    /// <summary>DICOM PS3.3 C.11.2.1.2.1, linear VOI LUT function, to 8 bits.</summary>
    private static int WindowedGrey(double x, double center, double width)
    {
        if (x <= center - 0.5 - (width - 1) / 2) return 0;
        if (x > center - 0.5 + (width - 1) / 2) return 255;
        return (int)Math.Round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
    }
}
