using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.Tests.SirenPeer;

public sealed class SeedDataTests
{
    [Test]
    public void Images_HoldsTheFiveTranscriptRows()
    {
        using var db = new SeededDatabase();
        Assert.That(
            db.Dispatcher.Execute("SELECT * FROM images").Body,
            Is.EqualTo("id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\n"));
    }

    [Test]
    public void BigImages_Holds2000RowsNumberedFromOne()
    {
        using var db = new SeededDatabase();
        Assert.That(db.Dispatcher.Execute("SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM big_images").Body, Is.EqualTo("hi, lo, n\n2000, 1, 2000\n"));
    }

    [Test]
    public void HugeImages_Yields100000Rows()
    {
        using var db = new SeededDatabase();
        Assert.That(db.Scalar("SELECT count(*) FROM huge_images"), Is.EqualTo(SeedData.HugeImagesRows));
    }

    [Test]
    public void GeneratedRows_RepeatTheImagesRows()
    {
        using var db = new SeededDatabase();
        Assert.That(db.Scalar("SELECT count(*) FROM big_images b JOIN images i ON i.id = (b.id - 1) % 5 + 1 WHERE b.label = i.label AND b.path = i.path"), Is.EqualTo(SeedData.BigImagesRows));
        Assert.That(db.Scalar("SELECT count(*) FROM huge_images h JOIN images i ON i.id = (h.id - 1) % 5 + 1 WHERE h.label = i.label AND h.path = i.path AND h.id > 99990"), Is.EqualTo(10));
    }

    [Test]
    public void ApplyingTwice_AddsNoRows()
    {
        using var db = new SeededDatabase();
        SeedData.Apply(db.Connection);
        Assert.That(db.Scalar("SELECT count(*) FROM images") + db.Scalar("SELECT count(*) FROM big_images"), Is.EqualTo(5 + SeedData.BigImagesRows));
    }

    [Test]
    public void EverySeededPath_IsAFileOfTheSampleTree()
    {
        using var db = new SeededDatabase();
        using var command = db.Connection.CreateCommand();
        command.CommandText = "SELECT path FROM images UNION SELECT path FROM big_images UNION SELECT DISTINCT path FROM huge_images";
        using var reader = command.ExecuteReader();
        var paths = new List<string>();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        Assert.That(paths, Is.EquivalentTo(SeedData.SamplePaths));
        foreach (string path in paths)
        {
            Assert.That(File.Exists(Path.Combine(RepositoryPaths.SamplePacs, path)), Is.True, path);
        }
    }
}
