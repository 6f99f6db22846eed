namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>TCP port numbers.</summary>
internal static class PortSyntax
{
    /// <summary>The listening port. 0 asks the kernel for any free port (the daemon logs the one it got),
    /// which lets tests and socket-activated setups avoid collisions.</summary>
    public static Parsed<int> ParseListenPort(string text) =>
        TryRead(text, allowZero: true, out int port)
            ? port
            : Parsed<int>.Fail($"'{text}' is not a port number (1-65535, or 0 for any free port)");

    /// <summary>A port to connect to; 0 cannot be connected to.</summary>
    public static Parsed<int> ParseRemotePort(string text) =>
        TryRead(text, allowZero: false, out int port)
            ? port
            : Parsed<int>.Fail($"'{text}' is not a port number (1-65535)");

    private static bool TryRead(string text, bool allowZero, out int port)
    {
        port = 0;
        if (NumberSyntax.ReadWholeNumber(text, out long number) != NumberReading.Valid
            || number > 65535 || (number == 0 && !allowZero))
            return false;
        port = (int)number;
        return true;
    }
}
