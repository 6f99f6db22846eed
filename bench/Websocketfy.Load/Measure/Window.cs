using System.Diagnostics;

namespace Websocketfy.Load.Measure;

/// <summary>
/// The measured interval of a workload: CPU seconds of every watched server process (and of this
/// client) between <see cref="Begin"/> and <see cref="End"/>, their memory (PSS) at both ends and
/// their peak resident set. Set-up and warm-up stay outside it.
/// </summary>
internal sealed class Window(IReadOnlyList<ProcessTree> watched)
{
    private readonly ProcessTree _self = new("client", Environment.ProcessId);
    private double[] _cpuAtBegin = [];
    private double _clientCpuAtBegin;
    private long[] _pssAtBegin = [];
    private long _begunAt;

    public double Seconds { get; private set; }

    public void Begin()
    {
        foreach (var tree in watched)
            if (!tree.IsAlive) throw new InvalidOperationException($"{tree.Name} (pid {tree.Pid}) is not running");
        _pssAtBegin = watched.Select(t => t.PssKib()).ToArray();
        _cpuAtBegin = watched.Select(t => t.CpuSeconds()).ToArray();
        _clientCpuAtBegin = _self.CpuSeconds();
        _begunAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Closes the window and adds its figures to <paramref name="result"/>.</summary>
    public void End(ResultLine result)
    {
        Seconds = Stopwatch.GetElapsedTime(_begunAt).TotalSeconds;
        result.Add("window_s", Seconds);
        result.Add("cpu_client_s", _self.CpuSeconds() - _clientCpuAtBegin);
        for (int i = 0; i < watched.Count; i++)
        {
            var tree = watched[i];
            if (!tree.IsAlive) throw new InvalidOperationException($"{tree.Name} (pid {tree.Pid}) exited during the workload");
            result.Add($"cpu_{tree.Name}_s", tree.CpuSeconds() - _cpuAtBegin[i]);
            result.Add($"pss_begin_{tree.Name}_kib", _pssAtBegin[i]);
            result.Add($"pss_end_{tree.Name}_kib", tree.PssKib());
            result.Add($"hwm_{tree.Name}_kib", tree.PeakRssKib());
        }
    }
}
