using System.Text;

namespace Websocketfy.SirenDemo.Network;

/// <summary>Makes peer-supplied text safe for a one-line log entry.</summary>
internal static class LogText
{
    private const int MaxLength = 200;

    /// <summary>Escapes control characters (so a newline cannot forge a log line) and shortens long text.</summary>
    public static string Escape(string text)
    {
        var result = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (char c in text)
        {
            if (result.Length >= MaxLength)
            {
                result.Append('…');
                break;
            }

            switch (c)
            {
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                case '\\': result.Append("\\\\"); break;
                default:
                    if (char.IsControl(c))
                    {
                        result.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        result.Append(c);
                    }

                    break;
            }
        }

        return result.ToString();
    }
}
