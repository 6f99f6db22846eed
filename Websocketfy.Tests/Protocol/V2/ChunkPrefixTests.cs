using Websocketfy.Protocol.V2;

namespace Websocketfy.Tests.Protocol.V2;

public class ChunkPrefixTests
{
    [Test]
    public void Write_PutsIdThenOffset_BigEndian()
    {
        byte[] prefix = new byte[ChunkPrefix.Length];

        ChunkPrefix.Write(prefix, 0x01020304, 0x05060708090A0B0C);

        // id (4 bytes BE) | offset (8 bytes BE)
        Assert.That(prefix, Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }));
    }

    [Test]
    public void TryRead_ReadsWhatWriteWrote()
    {
        byte[] message = new byte[ChunkPrefix.Length + 3];
        ChunkPrefix.Write(message, int.MaxValue, 200L * 1024 * 1024 * 1024);

        Assert.That((ChunkPrefix.TryRead(message, out int id, out long offset), id, offset),
                    Is.EqualTo((true, int.MaxValue, 200L * 1024 * 1024 * 1024)));
    }

    [Test]
    public void TryRead_RefusesAMessageShorterThanThePrefix() =>
        Assert.That(ChunkPrefix.TryRead(new byte[11], out _, out _), Is.False);

    [Test]
    public void TryRead_RefusesIdZero() =>
        Assert.That(ChunkPrefix.TryRead(new byte[12], out _, out _), Is.False);

    [Test]
    public void TryRead_RefusesANegativeOffset()
    {
        byte[] message = [0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0];

        Assert.That(ChunkPrefix.TryRead(message, out _, out _), Is.False);
    }

    [Test]
    public void Write_RefusesAShortDestination() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPrefix.Write(new byte[11], 1, 0));
}
