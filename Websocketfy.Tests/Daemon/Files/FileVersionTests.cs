using System.Buffers.Binary;
using Websocketfy.Daemon.Files;

namespace Websocketfy.Tests.Daemon.Files;

public class FileVersionTests
{
    // struct statx (native byte order; this machine is little-endian):
    //   offset   0  u32 stx_mask       STATX_MTIME=0x40, STATX_INO=0x100, STATX_SIZE=0x200
    //   offset  32  u64 stx_ino
    //   offset  40  u64 stx_size
    //   offset 112  s64 stx_mtime.tv_sec, offset 120 u32 stx_mtime.tv_nsec
    //   offset 136  u32 stx_dev_major, offset 140 u32 stx_dev_minor
    private static byte[] Statx(uint mask)
    {
        Assume.That(BitConverter.IsLittleEndian, "the buffer below is written little-endian");
        var buffer = new byte[256];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), mask);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(32), 123456789);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(40), 5UL << 30);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(112), 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(120), 250_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(136), 8);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(140), 1);
        return buffer;
    }

    [Test]
    public void Statx_ReadsDeviceInodeSizeAndMtime()
    {
        Assert.That(FileVersion.TryParse(Statx(0x340), out FileVersion version), Is.True);
        Assert.That(version, Is.EqualTo(new FileVersion(FileIdentity.MakeDevice(8, 1), 123456789, 5L << 30, 1_700_000_000, 250_000_000)));
    }

    [TestCase(0x300u, TestName = "AStatxWithoutMtime_IsNotTrusted")]
    [TestCase(0x240u, TestName = "AStatxWithoutInode_IsNotTrusted")]
    [TestCase(0x140u, TestName = "AStatxWithoutSize_IsNotTrusted")]
    public void AStatxMissingAField_IsNotTrusted(uint mask) =>
        Assert.That(FileVersion.TryParse(Statx(mask), out _), Is.False);

    [Test]
    public void AnOpenFile_HasTheVersionTheFileSystemReports()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[1234]);
            var written = new DateTime(2024, 5, 1, 12, 0, 0, 500, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, written);
            using var handle = File.OpenHandle(path);

            Assert.That(FileVersion.TryOf(handle, out FileVersion version, out int errno), Is.True, $"errno {errno}");
            Assert.That((version.Size, DateTimeOffset.FromUnixTimeSeconds(version.ModifiedSeconds).AddTicks(version.ModifiedNanoseconds / 100).UtcDateTime),
                        Is.EqualTo((1234L, written)));
            Assert.That(version.Inode, Is.Not.Zero);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
