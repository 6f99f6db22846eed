using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Websocketfy.Daemon.Ops;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// Bytes written once and read back from the start, any number of times: in pooled memory up to a
/// bound, the rest in a temporary file deleted on dispose (as the classic reply spool does). Holds a
/// SiREN reply while the v2 answer is built from it, and that answer until it is sent. One writer,
/// then readers; not for use from two threads at once.
/// </summary>
internal sealed class SpillBuffer : IBufferWriter<byte>, IDisposable
{
    private const int SegmentSize = 64 * 1024;

    private readonly int _memoryLimit;
    private readonly string _directory;
    private readonly Metrics _metrics;
    private readonly List<(byte[] Array, int Length)> _segments = [];
    private byte[]? _open;
    private int _openUsed;
    private long _inMemory;
    private SafeFileHandle? _file;
    private long _fileLength;

    public SpillBuffer(int memoryLimit, string directory, Metrics metrics)
    {
        _memoryLimit = memoryLimit;
        _directory = directory;
        _metrics = metrics;
    }

    /// <summary>Bytes written so far.</summary>
    public long Length => _inMemory + _fileLength + _openUsed;

    public bool SpilledToDisk => _file is not null;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Span<byte> room = GetSpan();
            int n = Math.Min(room.Length, bytes.Length);
            bytes[..n].CopyTo(room);
            Advance(n);
            bytes = bytes[n..];
        }
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int wanted = Math.Max(sizeHint, 1);
        if (_open is not null && _open.Length - _openUsed >= wanted) return _open.AsMemory(_openUsed);
        Seal();
        _open = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, wanted));
        return _open;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public void Advance(int count)
    {
        if (_open is null || count < 0 || _openUsed + count > _open.Length)
            throw new InvalidOperationException("Advance past the memory handed out.");
        _openUsed += count;
    }

    /// <summary>Reads from the start; the buffer must not be written to while readers are in use.</summary>
    public Reader CreateReader()
    {
        Seal();
        return new Reader(this);
    }

    /// <summary>Ends the segment being filled: it stays in memory while the bound allows, else it goes to the file.</summary>
    private void Seal()
    {
        if (_open is null) return;
        byte[] array = _open;
        int used = _openUsed;
        _open = null;
        _openUsed = 0;
        if (used == 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
        else if (_file is null && _inMemory + used <= _memoryLimit)
        {
            _segments.Add((array, used));
            _inMemory += used;
        }
        else
        {
            // Once on disk, everything after goes to disk: the order is memory, then file.
            try { AppendToFile(array.AsSpan(0, used)); }
            finally { ArrayPool<byte>.Shared.Return(array); }
        }
    }

    private void AppendToFile(ReadOnlySpan<byte> bytes)
    {
        if (_file is null)
        {
            string path = Path.Combine(_directory, $"websocketfy-v2-{Guid.NewGuid():N}.tmp");
            _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
            _metrics.SpoolFileOpened();
        }
        RandomAccess.Write(_file, bytes, _fileLength);
        _fileLength += bytes.Length;
    }

    public void Dispose()
    {
        foreach (var (array, _) in _segments) ArrayPool<byte>.Shared.Return(array);
        _segments.Clear();
        _inMemory = 0;
        if (_open is not null) ArrayPool<byte>.Shared.Return(_open);
        _open = null;
        _openUsed = 0;
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
            _metrics.SpoolFileClosed();
        }
    }

    /// <summary>A read position: memory segments first, then the file.</summary>
    public sealed class Reader(SpillBuffer buffer)
    {
        private int _segment;
        private int _inSegment;
        private long _filePosition;

        public bool AtEnd => _segment >= buffer._segments.Count && _filePosition >= buffer._fileLength;

        /// <summary>Copies the next bytes into <paramref name="destination"/>; 0 only at the end.</summary>
        public int Read(Span<byte> destination)
        {
            int total = 0;
            while (total < destination.Length && _segment < buffer._segments.Count)
            {
                var (array, length) = buffer._segments[_segment];
                int n = Math.Min(length - _inSegment, destination.Length - total);
                array.AsSpan(_inSegment, n).CopyTo(destination[total..]);
                total += n;
                _inSegment += n;
                if (_inSegment == length)
                {
                    _segment++;
                    _inSegment = 0;
                }
            }
            if (total < destination.Length && _filePosition < buffer._fileLength)
            {
                int want = (int)Math.Min(destination.Length - total, buffer._fileLength - _filePosition);
                int n = RandomAccess.Read(buffer._file!, destination.Slice(total, want), _filePosition);
                if (n == 0) throw new IOException("the spool file ended early");
                _filePosition += n;
                total += n;
            }
            return total;
        }
    }
}
