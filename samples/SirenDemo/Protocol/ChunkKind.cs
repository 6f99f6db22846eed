namespace Websocketfy.SirenDemo.Protocol;

/// <summary>What SiREN makes of one received chunk before its parser sees it.</summary>
internal enum ChunkKind
{
    /// <summary>Exactly "\r\n": ignored, answered with the prompt alone.</summary>
    CrLf,

    /// <summary>QUIT in any case, with an optional ';': the socket is closed, nothing written.</summary>
    Quit,

    /// <summary>Nothing left after normalising: answered with "\n" and no prompt.</summary>
    Blank,

    /// <summary>Anything else: handed to the command parser.</summary>
    Statement,
}

/// <summary>A received chunk after normalisation.</summary>
/// <param name="Kind">How SiREN treats the chunk.</param>
/// <param name="Text">The normalised text (empty unless <see cref="ChunkKind.Statement"/>).</param>
internal readonly record struct NormalisedChunk(ChunkKind Kind, string Text);
