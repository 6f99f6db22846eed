namespace Websocketfy.Daemon.Ops;

/// <summary>A counter family labelled by a small fixed set of integer keys (HTTP statuses, close codes), with
/// "other" for any key outside it, so a peer cannot grow the number of series.</summary>
internal sealed class CountsByKey(int[] keys)
{
    private readonly long[] _counts = new long[keys.Length + 1];

    public void Increment(int key)
    {
        int slot = Array.IndexOf(keys, key);
        Interlocked.Increment(ref _counts[slot < 0 ? keys.Length : slot]);
    }

    public void Render(PrometheusWriter text, string name, string help, string label)
    {
        text.Family(name, "counter", help);
        for (int i = 0; i < keys.Length; i++)
            text.Sample(name, Interlocked.Read(ref _counts[i]), label, keys[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        text.Sample(name, Interlocked.Read(ref _counts[^1]), label, "other");
    }
}
