using System.Net;
using System.Net.Sockets;

namespace Websocketfy.Daemon.Auth;

/// <summary>
/// Brute-force brake: after <see cref="MaxFailures"/> refused credentials from one address within
/// <see cref="Window"/>, every upgrade attempt from it is refused with 429 for <see cref="BlockFor"/>.
/// The window slides (the last N failure times are kept per address). IPv6 clients are counted by
/// their /64, the smallest block a host is commonly given, so hopping addresses inside it does not help.
/// Memory is bounded: at most <see cref="MaxTracked"/> addresses are followed at once; when the table
/// is full, entries whose failures are old and whose block has ended are dropped to make room.
/// </summary>
internal sealed class AuthFailureLimiter(TimeProvider clock)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan BlockFor = TimeSpan.FromMinutes(1);
    public const int MaxTracked = 100_000;

    private sealed class Record
    {
        public readonly DateTimeOffset[] Failures = new DateTimeOffset[MaxFailures];
        public int Next;
        public int Count;
        public DateTimeOffset BlockedUntil;
        public DateTimeOffset Latest;
    }

    private readonly Dictionary<UInt128, Record> _records = [];
    private readonly Lock _gate = new();

    /// <summary>True while the address is blocked; <paramref name="retryAfter"/> is the time left.</summary>
    public bool IsBlocked(IPAddress address, out TimeSpan retryAfter)
    {
        DateTimeOffset now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_records.TryGetValue(Key(address), out Record? record) && record.BlockedUntil > now)
            {
                retryAfter = record.BlockedUntil - now;
                return true;
            }
        }
        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Counts one refused credential; returns true when this failure started a block.</summary>
    public bool RecordFailure(IPAddress address)
    {
        DateTimeOffset now = clock.GetUtcNow();
        lock (_gate)
        {
            UInt128 key = Key(address);
            if (!_records.TryGetValue(key, out Record? record))
            {
                if (_records.Count >= MaxTracked) Prune(now);
                if (_records.Count >= MaxTracked) return false;
                record = new Record();
                _records[key] = record;
            }
            record.Latest = now;
            record.Failures[record.Next] = now;
            record.Next = (record.Next + 1) % MaxFailures;
            record.Count = Math.Min(record.Count + 1, MaxFailures);
            // Full ring: the oldest kept failure is the one about to be overwritten next.
            if (record.Count == MaxFailures && now - record.Failures[record.Next] < Window && record.BlockedUntil <= now)
            {
                record.BlockedUntil = now + BlockFor;
                record.Count = 0;
                return true;
            }
            return false;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        List<UInt128>? stale = null;
        foreach (var (key, record) in _records)
        {
            if (record.BlockedUntil <= now && now - record.Latest >= Window) (stale ??= []).Add(key);
        }
        if (stale is null) return;
        foreach (UInt128 key in stale) _records.Remove(key);
    }

    /// <summary>IPv4 as itself (mapped addresses folded), IPv6 by its /64 prefix.</summary>
    private static UInt128 Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            return new UInt128(0, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        }
        address.TryWriteBytes(bytes, out _);
        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), ulong.MaxValue);
    }
}
