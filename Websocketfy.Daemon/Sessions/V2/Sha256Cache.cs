using Websocketfy.Daemon.Files;

namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>
/// SHA-256 of files already hashed, by (device, inode, size, mtime), shared by every connection: a viewer
/// that checks the same study again is not made to wait for the disk. Bounded; the least recently used
/// entry goes first. A file changed since it was hashed has another key, so it is hashed again.
/// </summary>
internal sealed class Sha256Cache(int capacity = 4096)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<FileVersion, LinkedListNode<(FileVersion Key, byte[] Hash)>> _entries = [];
    private readonly LinkedList<(FileVersion Key, byte[] Hash)> _recency = new();

    public int Count { get { lock (_gate) return _entries.Count; } }

    public bool TryGet(FileVersion version, out byte[] hash)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(version, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                hash = node.Value.Hash;
                return true;
            }
        }
        hash = [];
        return false;
    }

    public void Add(FileVersion version, byte[] hash)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(version, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(version);
            }
            _entries[version] = _recency.AddFirst((version, hash));
            if (_entries.Count > capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }
}
