namespace Websocketfy.Protocol.Commands;

/// <summary>PROTOCOL.md section 1: a client message's first token decides its kind.</summary>
public static class CommandClassifier
{
    public static Command Classify(ReadOnlySpan<byte> message) => throw new NotImplementedException();
}
