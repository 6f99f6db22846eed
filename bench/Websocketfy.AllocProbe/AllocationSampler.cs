using System.Diagnostics.Tracing;

namespace Websocketfy.AllocProbe;

/// <summary>
/// The runtime's GCAllocationTick events: one per ~100 KB allocated, naming the type of the object
/// that crossed the mark. Over many operations the share of ticks per type approximates the share
/// of allocated bytes per type. Its own bookkeeping allocates, so it only runs in its own phase.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = [];
    private readonly Lock _gate = new();
    private EventSource? _runtime;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") _runtime = source;
    }

    public void Start() => EnableEvents(_runtime ?? throw new InvalidOperationException("no runtime event source"), EventLevel.Verbose, GcKeyword);

    public void Stop() => DisableEvents(_runtime!);

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        int typeIndex = e.PayloadNames.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0) return;
        string type = e.Payload![typeIndex] as string ?? "?";
        long amount = Convert.ToInt64(e.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate) _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    public List<(string Type, long Bytes)> Snapshot()
    {
        lock (_gate) return _bytesByType.Select(p => (p.Key, p.Value)).OrderByDescending(p => p.Value).ToList();
    }
}
