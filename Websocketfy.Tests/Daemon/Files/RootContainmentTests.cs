using System.Text;
using Websocketfy.Daemon.Files;

namespace Websocketfy.Tests.Daemon.Files;

public class RootContainmentTests
{
    private static bool Inside(string path, string root) =>
        RootContainment.IsInside(Encoding.UTF8.GetBytes(path), Encoding.UTF8.GetBytes(root));

    [Test]
    public void TheRootItself_IsInside() => Assert.That(Inside("/srv/pacs", "/srv/pacs"), Is.True);

    [Test]
    public void AFileBelowTheRoot_IsInside() => Assert.That(Inside("/srv/pacs/a/b.dcm", "/srv/pacs"), Is.True);

    [Test]
    public void ASiblingWhoseNameStartsWithTheRoot_IsOutside() =>
        Assert.That(Inside("/srv/pacs-private/secret.dcm", "/srv/pacs"), Is.False);

    [Test]
    public void ASiblingEqualToTheRootPlusSuffix_IsOutside() => Assert.That(Inside("/srv/pacsx", "/srv/pacs"), Is.False);

    [Test]
    public void TheParentOfTheRoot_IsOutside() => Assert.That(Inside("/srv", "/srv/pacs"), Is.False);

    [Test]
    public void AnUnrelatedPath_IsOutside() => Assert.That(Inside("/etc/passwd", "/srv/pacs"), Is.False);

    [Test]
    public void UnderTheFilesystemRoot_EveryAbsolutePathIsInside() => Assert.That(Inside("/etc/passwd", "/"), Is.True);

    [Test]
    public void AnEmptyRoot_ContainsNothing() => Assert.That(Inside("/etc/passwd", ""), Is.False);
}
