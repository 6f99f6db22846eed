namespace Websocketfy.Daemon.Backend;

/// <summary>A new SiREN connection could not be made: refused, unreachable, no greeting in time,
/// or closed before its greeting. The client gets the "unavailable" reply.</summary>
internal sealed class SirenUnavailableException(string detail, Exception? inner = null) : Exception(detail, inner);
