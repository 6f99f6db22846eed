using Websocketfy.Tests.Interop;
using Websocketfy.Tests.SirenPeer;

namespace Websocketfy.Tests.Packaging;

/// <summary>
/// The package's postinst, prerm and postrm, run as dpkg runs them but against a scratch root
/// (DPKG_ROOT, which the scripts honour) with systemctl, deb-systemd-helper, deb-systemd-invoke and
/// the daemon replaced by stubs that record their calls: what a Debian user gets on install, upgrade,
/// removal and purge, checked without installing anything on this machine.
/// </summary>
[Category("Packaging")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class MaintainerScriptTests
{
    private string _scratch = null!;
    private string _root = null!;
    private string _stubs = null!;
    private string _calls = null!;
    private string _tools = null!;

    private static string Script(string name) => Path.Combine(RepositoryPaths.Root, "packaging", "debian", name);

    [SetUp]
    public void CreateScratchRoot()
    {
        _scratch = Directory.CreateTempSubdirectory("websocketfy-maintscripts-").FullName;
        _root = Path.Combine(_scratch, "root");
        _stubs = Path.Combine(_scratch, "stubs");
        _calls = Path.Combine(_scratch, "calls");
        Directory.CreateDirectory(Path.Combine(_root, "etc", "websocketfy"));
        File.WriteAllText(Path.Combine(_root, "etc", "websocketfy", "websocketfy.conf"), "#root = ./fs\n");
        Directory.CreateDirectory(_stubs);
        foreach (string tool in new[] { "systemctl", "deb-systemd-invoke" })
            WriteStub(Path.Combine(_stubs, tool), $"echo \"{tool} $*\" >> '{_calls}'");
        // The only programs the scripts may find besides the stubs: never this machine's systemctl or helpers.
        _tools = Path.Combine(_scratch, "tools");
        Directory.CreateDirectory(_tools);
        foreach (string tool in new[] { "env", "rm" })
            File.CreateSymbolicLink(Path.Combine(_tools, tool), File.Exists("/usr/bin/" + tool) ? "/usr/bin/" + tool : "/bin/" + tool);
        WasEnabled(true);
        ConfigUsable(true);
    }

    [TearDown]
    public void DeleteScratchRoot() => Directory.Delete(_scratch, recursive: true);

    private static void WriteStub(string path, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>What deb-systemd-helper's state says about the unit being enabled before an upgrade.</summary>
    private void WasEnabled(bool enabled) => WriteStub(Path.Combine(_stubs, "deb-systemd-helper"),
        $"echo \"deb-systemd-helper $*\" >> '{_calls}'\n" +
        $"if [ \"$1\" = --quiet ] && [ \"$2\" = was-enabled ]; then exit {(enabled ? 0 : 1)}; fi");

    /// <summary>The daemon's --check-config answer (the postinst runs it with an empty environment).</summary>
    private void ConfigUsable(bool usable) => WriteStub(Path.Combine(_root, "usr", "bin", "websocketfy"),
        $"echo \"websocketfy $*\" >> '{_calls}'\n" +
        (usable ? "echo 'configuration OK'" : "echo \"websocketfy: root '/fs' does not exist\" >&2; exit 66"));

    private void SystemdRunning() => Directory.CreateDirectory(Path.Combine(_root, "run", "systemd", "system"));

    private async Task<ProcessResult> RunAsync(string script, params string[] arguments)
    {
        var result = await ChildProcess.RunAsync("/bin/sh", [Script(script), .. arguments], environment: new Dictionary<string, string?>
        {
            ["DPKG_ROOT"] = _root,
            ["PATH"] = _stubs + ":" + _tools,
        });
        return result;
    }

    private string[] Calls() =>
        File.Exists(_calls) ? File.ReadAllLines(_calls).Select(line => line.Replace(_root, "$DPKG_ROOT")).ToArray() : [];

    private const string CheckConfig = "websocketfy --config $DPKG_ROOT/etc/websocketfy/websocketfy.conf --check-config";

    [Test]
    public async Task FirstInstall_WithAUsableConfig_EnablesAndStartsTheService()
    {
        SystemdRunning();
        var result = await RunAsync("postinst", "configure", "");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Calls(), Is.EqualTo(new[]
        {
            "systemctl --system daemon-reload",
            CheckConfig,
            "deb-systemd-helper enable websocketfy.service",
            "deb-systemd-invoke start websocketfy.service",
        }));
    }

    [Test]
    public async Task FirstInstall_WithoutAUsableConfig_SaysWhatToEditAndStartsNothing()
    {
        SystemdRunning();
        ConfigUsable(false);
        var result = await RunAsync("postinst", "configure", "");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Calls(), Is.EqualTo(new[]
        {
            "systemctl --system daemon-reload",
            CheckConfig,
            "deb-systemd-helper update-state websocketfy.service",
        }));
        Assert.That(result.StandardError, Does.Contain("root '/fs' does not exist"));
        Assert.That(result.StandardOutput, Does.Contain($"Edit {_root}/etc/websocketfy/websocketfy.conf and set at least"));
        Assert.That(result.StandardOutput, Does.Contain("root  = the directory of image files to serve"));
        Assert.That(result.StandardOutput, Does.Contain("systemctl enable --now websocketfy"));
    }

    [Test]
    public async Task FirstInstall_WithoutSystemdRunning_EnablesTheUnitButStartsNothing()
    {
        var result = await RunAsync("postinst", "configure", "");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Calls(), Is.EqualTo(new[] { CheckConfig, "deb-systemd-helper enable websocketfy.service" }));
    }

    [Test]
    public async Task Upgrade_OfAnEnabledService_KeepsItEnabledAndRestartsIt()
    {
        SystemdRunning();
        var result = await RunAsync("postinst", "configure", "0.0.9");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Calls(), Is.EqualTo(new[]
        {
            "systemctl --system daemon-reload",
            "deb-systemd-helper --quiet was-enabled websocketfy.service",
            "deb-systemd-helper enable websocketfy.service",
            "deb-systemd-invoke restart websocketfy.service",
        }));
    }

    [Test]
    public async Task Upgrade_OfADisabledService_LeavesItDisabled()
    {
        // deb-systemd-invoke restarts a disabled unit only if it is running.
        SystemdRunning();
        WasEnabled(false);
        var result = await RunAsync("postinst", "configure", "0.0.9");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Calls(), Does.Contain("deb-systemd-helper update-state websocketfy.service"));
        Assert.That(Calls(), Does.Not.Contain("deb-systemd-helper enable websocketfy.service"));
    }

    [Test]
    public async Task Removal_StopsTheServiceFirst()
    {
        SystemdRunning();
        Assert.That((await RunAsync("prerm", "remove")).ExitCode, Is.Zero);
        Assert.That(Calls(), Is.EqualTo(new[] { "deb-systemd-invoke stop websocketfy.service" }));
    }

    [Test]
    public async Task Upgrade_DoesNotStopTheServiceBeforeTheNewFilesAreIn()
    {
        SystemdRunning();
        Assert.That((await RunAsync("prerm", "upgrade", "0.2.0")).ExitCode, Is.Zero);
        Assert.That(Calls(), Is.Empty);
    }

    [Test]
    public async Task Removal_KeepsTheConfiguration()
    {
        SystemdRunning();
        Assert.That((await RunAsync("postrm", "remove")).ExitCode, Is.Zero);
        Assert.That(Calls(), Is.EqualTo(new[] { "systemctl --system daemon-reload" }));
        Assert.That(Directory.Exists(Path.Combine(_root, "etc", "websocketfy")), Is.True);
    }

    [Test]
    public async Task Purge_ForgetsTheUnitAndDeletesEtcWebsocketfy()
    {
        SystemdRunning();
        File.WriteAllText(Path.Combine(_root, "etc", "websocketfy", "added-by-the-admin.pem"), "x");
        Assert.That((await RunAsync("postrm", "purge")).ExitCode, Is.Zero);
        Assert.That(Calls(), Is.EqualTo(new[] { "deb-systemd-helper purge websocketfy.service", "systemctl --system daemon-reload" }));
        Assert.That(Directory.Exists(Path.Combine(_root, "etc", "websocketfy")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_root, "etc")), Is.True);
    }

    [Test]
    public async Task WithoutInitSystemHelpers_EveryScriptStillSucceeds()
    {
        File.Delete(Path.Combine(_stubs, "deb-systemd-helper"));
        File.Delete(Path.Combine(_stubs, "deb-systemd-invoke"));
        foreach (string[] run in new[] { new[] { "postinst", "configure", "" }, ["postinst", "configure", "0.0.9"], ["prerm", "remove"], ["postrm", "purge"] })
        {
            var result = await RunAsync(run[0], run[1..]);
            Assert.That(result.ExitCode, Is.Zero, $"{string.Join(' ', run)}: {result}");
        }
    }

    [TestCase("postinst")]
    [TestCase("prerm")]
    [TestCase("postrm")]
    public async Task UnknownAction_IsAnError(string script)
    {
        var result = await RunAsync(script, "frobnicate");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("unknown argument 'frobnicate'"));
    }
}
