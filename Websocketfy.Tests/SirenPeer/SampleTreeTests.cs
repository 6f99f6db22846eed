namespace Websocketfy.Tests.SirenPeer;

public sealed class SampleTreeTests
{
    [Test]
    public void SampleTree_IsSmallEnoughForTheRepository()
    {
        long total = Directory.GetFiles(RepositoryPaths.SamplePacs, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.That(total, Is.InRange(1, 200 * 1024));
    }

    [Test]
    public void DicomSamples_StartWithPreambleAndMagic()
    {
        foreach (string file in Directory.GetFiles(RepositoryPaths.SamplePacs, "*.dcm", SearchOption.AllDirectories))
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.That(bytes.AsSpan(0, 128).ContainsAnyExcept((byte)0), Is.False, file);
            Assert.That(bytes.AsSpan(128, 4).ToArray(), Is.EqualTo("DICM"u8.ToArray()), file);
        }
    }

    [Test]
    public void DicomSamples_AreDistinctFiles()
    {
        string[] files = Directory.GetFiles(RepositoryPaths.SamplePacs, "*.dcm", SearchOption.AllDirectories);
        Assert.That(files.Select(f => Convert.ToHexString(File.ReadAllBytes(f))).Distinct().Count(), Is.EqualTo(files.Length).And.EqualTo(7));
    }

    [Test]
    public void NestedFileWithASpaceInItsName_Exists()
    {
        Assert.That(File.Exists(Path.Combine(RepositoryPaths.SamplePacs, "study3", "series1", "slice 01.png")), Is.True);
    }

    [Test]
    public void PngSamples_CarryThePngSignature()
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        string[] files = Directory.GetFiles(RepositoryPaths.SamplePacs, "*.png", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        foreach (string file in files)
        {
            Assert.That(File.ReadAllBytes(file).AsSpan(0, 8).ToArray(), Is.EqualTo(signature), file);
        }
    }
}
