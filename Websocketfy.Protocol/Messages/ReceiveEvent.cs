using Websocketfy.Protocol.Frames;

namespace Websocketfy.Protocol.Messages;

public enum ReceiveEventKind
{
    /// <summary>Nothing complete in the input; read more and call again with the unconsumed bytes first.</summary>
    NeedMoreData,
    /// <summary>A piece of a data message's payload (unmasked), possibly empty when EndOfMessage.</summary>
    DataFragment,
    Ping,
    Pong,
    /// <summary>The peer's close frame, validated. CloseStatus is null for an empty close payload.</summary>
    Close,
    /// <summary>The peer broke the protocol: fail the connection with ErrorStatus (1002, 1007, 1009).</summary>
    ProtocolError,
}

/// <summary>One result of <see cref="MessageReceiver.Next"/>. Payload points into the caller's input.</summary>
public readonly ref struct ReceiveEvent
{
    public ReceiveEventKind Kind { get; init; }
    /// <summary>Text or Binary: the opcode of the message a DataFragment belongs to.</summary>
    public Opcode MessageOpcode { get; init; }
    /// <summary>True on the last DataFragment of a message.</summary>
    public bool EndOfMessage { get; init; }
    /// <summary>DataFragment bytes, or the full payload of Ping/Pong/Close.</summary>
    public ReadOnlySpan<byte> Payload { get; init; }
    public ushort? CloseStatus { get; init; }
    public string CloseReason { get; init; }
    /// <summary>For ProtocolError: the status to close with and a short reason for the log/close frame.</summary>
    public ushort ErrorStatus { get; init; }
    public string ErrorReason { get; init; }

    // The receiver builds every event through these, so string members are never null.

    internal static ReceiveEvent NeedMoreData() =>
        new() { Kind = ReceiveEventKind.NeedMoreData, CloseReason = "", ErrorReason = "" };

    internal static ReceiveEvent Data(Opcode messageOpcode, ReadOnlySpan<byte> payload, bool endOfMessage) =>
        new()
        {
            Kind = ReceiveEventKind.DataFragment,
            MessageOpcode = messageOpcode,
            Payload = payload,
            EndOfMessage = endOfMessage,
            CloseReason = "",
            ErrorReason = "",
        };

    internal static ReceiveEvent Control(ReceiveEventKind kind, ReadOnlySpan<byte> payload) =>
        new() { Kind = kind, Payload = payload, CloseReason = "", ErrorReason = "" };

    internal static ReceiveEvent Close(ReadOnlySpan<byte> payload, ushort? status, string reason) =>
        new()
        {
            Kind = ReceiveEventKind.Close,
            Payload = payload,
            CloseStatus = status,
            CloseReason = reason,
            ErrorReason = "",
        };

    internal static ReceiveEvent Error(ushort status, string reason) =>
        new() { Kind = ReceiveEventKind.ProtocolError, ErrorStatus = status, ErrorReason = reason, CloseReason = "" };
}
