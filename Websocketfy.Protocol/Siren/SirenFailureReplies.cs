using System.Globalization;
using System.Text;

namespace Websocketfy.Protocol.Siren;

/// <summary>
/// What a client gets when SiREN cannot answer (PROTOCOL.md section 1, SQL commands). Before any part of
/// a reply has gone out, a reply in SiREN's own error style ("Command failed.\n" then one line), so
/// existing clients show a failed command; afterwards, a 1011 close whose reason is that line's sentence.
/// </summary>
public static class SirenFailureReplies
{
    /// <summary>No backend connection could be made, or it gave no greeting in time.</summary>
    public const string UnavailableReason = "SiREN server is unavailable.";

    /// <summary>The backend connection closed while a reply was due.</summary>
    public const string ClosedBeforeReplyCompleteReason = "SiREN server closed the connection before the reply was complete.";

    /// <summary>Close reason (1011) when a reply exceeds max-reply-size; it has no reply form.</summary>
    public const string ReplyTooLargeReason = "reply too large";

    /// <summary>"Command failed.\nSiREN server is unavailable.\n"</summary>
    public static ReadOnlySpan<byte> Unavailable => "Command failed.\nSiREN server is unavailable.\n"u8;

    /// <summary>"Command failed.\nSiREN server closed the connection before the reply was complete.\n"</summary>
    public static ReadOnlySpan<byte> ClosedBeforeReplyComplete =>
        "Command failed.\nSiREN server closed the connection before the reply was complete.\n"u8;

    /// <summary>"SiREN server did not answer within N s." for a silence bound of N seconds.</summary>
    public static string DidNotAnswerReason(double seconds) =>
        "SiREN server did not answer within " + FormatSeconds(seconds) + " s.";

    public static string DidNotAnswerReason(TimeSpan timeout) => DidNotAnswerReason(timeout.TotalSeconds);

    /// <summary>"Command failed.\nSiREN server did not answer within N s.\n" as UTF-8.</summary>
    public static byte[] DidNotAnswer(double seconds) =>
        Encoding.UTF8.GetBytes("Command failed.\n" + DidNotAnswerReason(seconds) + "\n");

    public static byte[] DidNotAnswer(TimeSpan timeout) => DidNotAnswer(timeout.TotalSeconds);

    // The default timeout reads "60", not "60.0" or a culture's "60,5"; a fractional one keeps its
    // shortest round-trip digits ("2.5").
    private static string FormatSeconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A timeout is a finite, non-negative number of seconds.");
        }

        return seconds == Math.Floor(seconds)
            ? seconds.ToString("0", CultureInfo.InvariantCulture)
            : seconds.ToString(CultureInfo.InvariantCulture);
    }
}
