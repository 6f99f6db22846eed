using System.Runtime.InteropServices;

namespace Websocketfy.Daemon.Files;

/// <summary>
/// Which version of which file an open handle holds: device, inode, size and modification time, as
/// statx(2) reports them. Two equal versions are the same bytes unless someone rewrote the file in
/// place without changing its size within one timestamp tick, which is what a cache keyed on it
/// (v2's stat SHA-256) accepts.
/// </summary>
internal readonly record struct FileVersion(ulong Device, ulong Inode, long Size, long ModifiedSeconds, uint ModifiedNanoseconds)
{
    private const uint StatxMtime = 0x40;
    private const uint Needed = Libc.StatxSize | StatxMtime | Libc.StatxIno;

    // struct statx_timestamp stx_mtime { s64 tv_sec; u32 tv_nsec; } at offset 112, on every architecture.
    private const int MtimeOffset = 112;

    /// <summary>The version of the file behind an open handle; false (with errno, or 0 when the kernel left
    /// a field out) when it cannot be known.</summary>
    public static unsafe bool TryOf(SafeHandle handle, out FileVersion version, out int errno)
    {
        byte* empty = stackalloc byte[1];
        empty[0] = 0;
        byte* buffer = stackalloc byte[Libc.StatxBufferSize];
        if (Libc.Statx(handle, empty, Libc.AtEmptyPath, Needed, buffer) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            version = default;
            return false;
        }
        errno = 0;
        return TryParse(new ReadOnlySpan<byte>(buffer, Libc.StatxBufferSize), out version);
    }

    /// <summary>Reads a struct statx; false when the kernel did not fill in size, mtime or inode.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> statx, out FileVersion version)
    {
        uint filled = MemoryMarshal.Read<uint>(statx[Libc.StatxMaskOffset..]);
        if ((filled & Needed) != Needed)
        {
            version = default;
            return false;
        }
        ulong device = FileIdentity.MakeDevice(MemoryMarshal.Read<uint>(statx[Libc.StatxDevMajorOffset..]), MemoryMarshal.Read<uint>(statx[Libc.StatxDevMinorOffset..]));
        version = new FileVersion(
            device,
            MemoryMarshal.Read<ulong>(statx[Libc.StatxInoOffset..]),
            (long)MemoryMarshal.Read<ulong>(statx[Libc.StatxSizeOffset..]),
            MemoryMarshal.Read<long>(statx[MtimeOffset..]),
            MemoryMarshal.Read<uint>(statx[(MtimeOffset + 8)..]));
        return true;
    }
}
