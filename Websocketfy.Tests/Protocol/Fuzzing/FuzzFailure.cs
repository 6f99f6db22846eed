using System.Text;

namespace Websocketfy.Tests.Protocol.Fuzzing;

/// <summary>One case that broke the contract, with everything needed to replay it by hand.</summary>
/// <param name="Target">"handshake", "frames" or "v2request".</param>
/// <param name="Parameters">The case's settings besides the bytes (limits, how the input was split).</param>
/// <param name="Reproducer">The exact input bytes.</param>
internal sealed record FuzzFailure(string Target, ulong Seed, long CaseIndex, string Violation, string Parameters, byte[] Reproducer)
{
    /// <summary>A report that stands alone: what broke, how to replay it, and the bytes in hex.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Target).Append(" case ").Append(CaseIndex).Append(" of seed ").Append(Seed).AppendLine(" failed:");
        text.AppendLine(Violation);
        text.Append("parameters: ").AppendLine(Parameters);
        text.Append("replay: dotnet run -c Release --project bench/Websocketfy.Fuzz -- --target ").Append(Target)
            .Append(" --seed ").Append(Seed).Append(" --case ").Append(CaseIndex).AppendLine();
        text.Append("reproducer (").Append(Reproducer.Length).Append(" bytes, hex): ").AppendLine(Convert.ToHexString(Reproducer));
        return text.ToString();
    }
}
