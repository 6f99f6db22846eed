using System.Buffers;
using Websocketfy.Protocol.Frames;

namespace Websocketfy.Daemon.Sessions;

/// <summary>One complete client data message: a command. Its bytes live in a pooled array,
/// returned once the command has been answered (a struct: nothing allocated per command to carry it).</summary>
internal readonly struct ClientMessage(Opcode opcode, byte[] buffer, int length)
{
    public Opcode Opcode { get; } = opcode;
    public ReadOnlyMemory<byte> Payload => buffer.AsMemory(0, length);
    public void Release() => ArrayPool<byte>.Shared.Return(buffer);
}

/// <summary>Collects the fragments of the message being received (bounded by the receiver's
/// max-message-size check, which runs before any payload is copied).</summary>
internal sealed class MessageAssembly
{
    private byte[]? _buffer;
    private int _length;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_buffer is null || _length + bytes.Length > _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + bytes.Length, Math.Min(2 * (_buffer?.Length ?? 0), int.MaxValue / 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = bigger;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Hands the collected bytes over as a message and starts empty again.</summary>
    public ClientMessage Take(Opcode opcode)
    {
        var message = new ClientMessage(opcode, _buffer ?? ArrayPool<byte>.Shared.Rent(1), _length);
        _buffer = null;
        _length = 0;
        return message;
    }

    public void Discard()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _length = 0;
    }
}
