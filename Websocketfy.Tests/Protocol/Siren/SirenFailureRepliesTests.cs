using System.Text;
using Websocketfy.Protocol.Siren;

namespace Websocketfy.Tests.Protocol.Siren;

public class SirenFailureRepliesTests
{
    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    [Test]
    public void Unavailable_IsSirensErrorStyle() =>
        Assert.That(Text(SirenFailureReplies.Unavailable), Is.EqualTo("Command failed.\nSiREN server is unavailable.\n"));

    [Test]
    public void ClosedBeforeReplyComplete_IsSirensErrorStyle() =>
        Assert.That(Text(SirenFailureReplies.ClosedBeforeReplyComplete),
            Is.EqualTo("Command failed.\nSiREN server closed the connection before the reply was complete.\n"));

    [Test]
    public void DidNotAnswer_WholeSeconds_AreWrittenAsAnInteger() =>
        Assert.That(Text(SirenFailureReplies.DidNotAnswer(60)), Is.EqualTo("Command failed.\nSiREN server did not answer within 60 s.\n"));

    [Test]
    public void DidNotAnswer_FractionalSeconds_UseAPoint() =>
        Assert.That(Text(SirenFailureReplies.DidNotAnswer(2.5)), Is.EqualTo("Command failed.\nSiREN server did not answer within 2.5 s.\n"));

    [Test]
    public void DidNotAnswer_TimeSpan_IsWrittenInSeconds() =>
        Assert.That(Text(SirenFailureReplies.DidNotAnswer(TimeSpan.FromMilliseconds(1500))),
            Is.EqualTo("Command failed.\nSiREN server did not answer within 1.5 s.\n"));

    [Test]
    public void DidNotAnswerReason_IsTheSentenceAlone() =>
        Assert.That(SirenFailureReplies.DidNotAnswerReason(TimeSpan.FromSeconds(60)), Is.EqualTo("SiREN server did not answer within 60 s."));

    [Test]
    public void EachReply_IsCommandFailedThenItsCloseReasonOnOneLine()
    {
        string[] replies = [Text(SirenFailureReplies.Unavailable), Text(SirenFailureReplies.ClosedBeforeReplyComplete), Text(SirenFailureReplies.DidNotAnswer(5))];
        string[] reasons = [SirenFailureReplies.UnavailableReason, SirenFailureReplies.ClosedBeforeReplyCompleteReason, SirenFailureReplies.DidNotAnswerReason(5)];

        Assert.That(replies, Is.EqualTo(reasons.Select(reason => "Command failed.\n" + reason + "\n")));
    }

    [Test]
    public void ReplyTooLargeReason_IsTheProtocolsText() =>
        Assert.That(SirenFailureReplies.ReplyTooLargeReason, Is.EqualTo("reply too large"));

    [Test]
    public void EveryCloseReason_FitsInACloseFrame()
    {
        // A close payload is at most 125 bytes: 2 for the status, 123 for the reason.
        string[] reasons =
        [
            SirenFailureReplies.UnavailableReason, SirenFailureReplies.ClosedBeforeReplyCompleteReason,
            SirenFailureReplies.ReplyTooLargeReason, SirenFailureReplies.DidNotAnswerReason(TimeSpan.MaxValue.TotalSeconds),
        ];

        Assert.That(reasons.Select(Encoding.UTF8.GetByteCount), Is.All.LessThanOrEqualTo(123));
    }

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void DidNotAnswer_MeaninglessTimeout_IsRejected(double seconds) =>
        Assert.That(() => SirenFailureReplies.DidNotAnswer(seconds), Throws.TypeOf<ArgumentOutOfRangeException>());
}
