using System.Text;

namespace Websocketfy.Daemon.Ops;

/// <summary>Peer-supplied text made safe for a one-line log: control characters escaped, length bounded,
/// so a newline in a header cannot forge a log line.</summary>
internal static class LogText
{
    private const int MaxLength = 200;

    public static string Escape(string? text)
    {
        if (text is null) return "(none)";
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (char c in text)
        {
            if (builder.Length >= MaxLength) { builder.Append('…'); break; }
            if (char.IsControl(c) || c == '"' || c == '\\') builder.Append("\\u").Append(((int)c).ToString("x4"));
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
