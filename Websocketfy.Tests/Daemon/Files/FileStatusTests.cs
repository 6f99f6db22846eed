using System.Buffers.Binary;
using Websocketfy.Daemon.Files;

namespace Websocketfy.Tests.Daemon.Files;

public class FileStatusTests
{
    // struct statx (256 bytes, native byte order; this machine is little-endian):
    //   offset  0  u32 stx_mask   which fields the kernel filled (STATX_TYPE=0x1, STATX_MODE=0x2, STATX_SIZE=0x200)
    //   offset 28  u16 stx_mode   S_IFMT bits 0xF000: 0x8000 regular, 0x4000 directory, 0x1000 fifo
    //   offset 40  u64 stx_size
    private static byte[] Statx(uint mask, ushort mode, ulong size)
    {
        Assume.That(BitConverter.IsLittleEndian, "the buffers below are written little-endian");
        var buffer = new byte[256];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(0), mask);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(28), mode);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(40), size);
        return buffer;
    }

    [Test]
    public void RegularFileMode_ReadsAsRegularWithItsSize()
    {
        // mask = TYPE|MODE|SIZE, mode = 0100644 (regular, rw-r--r--), size = 5 GiB (needs all 64 bits)
        Assert.That(FileStatus.TryParse(Statx(0x203, 0x81A4, 5UL << 30), out FileStatus status), Is.True);
        Assert.That(status, Is.EqualTo(new FileStatus(FileKind.Regular, 5L << 30)));
    }

    [Test]
    public void DirectoryMode_ReadsAsDirectory()
    {
        // mode = 040755
        FileStatus.TryParse(Statx(0x203, 0x41ED, 4096), out FileStatus status);
        Assert.That(status.Kind, Is.EqualTo(FileKind.Directory));
    }

    [TestCase((ushort)0x11A4, TestName = "FifoMode_ReadsAsOther")]           // 010644
    [TestCase((ushort)0xC1ED, TestName = "SocketMode_ReadsAsOther")]         // 0140755
    [TestCase((ushort)0x21B6, TestName = "CharacterDeviceMode_ReadsAsOther")] // 020666
    [TestCase((ushort)0x61B0, TestName = "BlockDeviceMode_ReadsAsOther")]    // 060660
    [TestCase((ushort)0xA1FF, TestName = "SymlinkMode_ReadsAsOther")]        // 0120777
    public void NonRegularModes_ReadAsOther(ushort mode)
    {
        FileStatus.TryParse(Statx(0x203, mode, 0), out FileStatus status);
        Assert.That(status.Kind, Is.EqualTo(FileKind.Other));
    }

    [Test]
    public void AStatxWithoutTheTypeField_IsNotTrusted()
    {
        // mask = SIZE only: stx_mode is garbage (here it looks regular) and must not be believed
        Assert.That(FileStatus.TryParse(Statx(0x200, 0x81A4, 10), out _), Is.False);
    }

    [Test]
    public void AStatxWithoutTheSizeField_IsNotTrusted()
    {
        // mask = TYPE|MODE only
        Assert.That(FileStatus.TryParse(Statx(0x003, 0x81A4, 10), out _), Is.False);
    }
}
