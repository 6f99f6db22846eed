namespace Websocketfy.Daemon.Sessions.V2;

/// <summary>What all websocketfy.v2 connections of the daemon share.</summary>
internal sealed class V2Shared
{
    /// <summary>SHA-256 of files already hashed (stat, whole-file get), by file version.</summary>
    public Sha256Cache Hashes { get; } = new();
}
