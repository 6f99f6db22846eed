using Websocketfy.Daemon.Configuration;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Daemon.Configuration;

/// <summary>Gives each test a scratch directory with a usable file root, since resolving refuses a
/// missing --root and the default ./fs does not exist where tests run.</summary>
public abstract class ResolverTestBase
{
    protected TempTree Scratch { get; private set; } = null!;
    protected string FileRoot { get; private set; } = null!;

    [SetUp]
    public void CreateScratch()
    {
        Scratch = new TempTree();
        FileRoot = Scratch.Dir("fs");
    }

    [TearDown]
    public void DeleteScratch() => Scratch.Dispose();

    /// <summary>Resolves with a valid --root added in front and no environment.</summary>
    protected OptionsResolution Resolve(params string[] arguments) =>
        OptionsResolver.Resolve(["--root", FileRoot, .. arguments], TestEnvironment.Empty);

    protected OptionsResolution Resolve(Func<string, string?> environment, params string[] arguments) =>
        OptionsResolver.Resolve(["--root", FileRoot, .. arguments], environment);

    /// <summary>Resolves exactly the given command line, for tests about --root itself.</summary>
    protected static OptionsResolution ResolveAsGiven(params string[] arguments) =>
        OptionsResolver.Resolve(arguments, TestEnvironment.Empty);

    protected static GatewayOptions Succeeded(OptionsResolution resolution)
    {
        Assert.That(resolution.Error, Is.Null, "resolution failed");
        return resolution.Options!;
    }

    protected static void AssertRefused(OptionsResolution resolution, string error, int exitCode)
    {
        Assert.That(resolution.Error, Is.EqualTo(error));
        Assert.That(resolution.ExitCode, Is.EqualTo(exitCode));
        Assert.That(resolution.Options, Is.Null);
    }
}
