using Websocketfy.Protocol.Frames;

namespace Websocketfy.Protocol.Messages;

/// <summary>The RFC 6455 section 5 rules a client frame header must pass before any of its payload
/// is read, in one pure function.</summary>
public static class ClientFrameRules
{
    public const string NotMasked = "client frame is not masked";
    public const string RsvSet = "RSV bits set without a negotiated extension";
    public const string ReservedOpcode = "reserved opcode";
    public const string FragmentedControl = "control frame without FIN";
    public const string ControlTooLong = "control frame payload longer than 125 bytes";
    public const string ContinuationWithoutMessage = "continuation frame without a message in progress";
    public const string DataInsideFragmentedMessage = "new data frame inside a fragmented message";
    public const string MessageTooBig = "message too big";

    /// <summary>Null when the header may be processed; otherwise the reason, with the close status in
    /// <paramref name="status"/>.</summary>
    /// <param name="continuationExpected">The previous data frame had FIN=0.</param>
    /// <param name="messageLengthSoFar">Declared payload lengths of the current message's frames so far.</param>
    public static string? Check(
        in FrameHeader header, bool continuationExpected, long messageLengthSoFar, long maxMessageSize, out ushort status)
    {
        status = CloseStatus.ProtocolError;
        if (!header.Masked)
        {
            return NotMasked;
        }
        if (header.Rsv != 0)
        {
            return RsvSet;
        }

        switch (header.Opcode)
        {
            case Opcode.Close or Opcode.Ping or Opcode.Pong:
                if (!header.Fin)
                {
                    return FragmentedControl;
                }
                return header.PayloadLength > FrameLimits.MaxControlPayloadLength ? ControlTooLong : null;

            case Opcode.Continuation when !continuationExpected:
                return ContinuationWithoutMessage;

            case Opcode.Text or Opcode.Binary when continuationExpected:
                return DataInsideFragmentedMessage;

            case Opcode.Continuation or Opcode.Text or Opcode.Binary:
                long before = header.Opcode == Opcode.Continuation ? messageLengthSoFar : 0;
                // Compared as a difference: the sum of two 63-bit lengths may overflow.
                if (header.PayloadLength > maxMessageSize - before)
                {
                    status = CloseStatus.MessageTooBig;
                    return MessageTooBig;
                }
                return null;

            default:
                return ReservedOpcode;
        }
    }
}
