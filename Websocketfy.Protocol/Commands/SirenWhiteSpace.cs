namespace Websocketfy.Protocol.Commands;

/// <summary>White space as SiREN's normalisation sees it (Qt's QChar::isSpace), so the gateway never
/// disagrees with SiREN about what is blank.</summary>
public static class SirenWhiteSpace
{
    public static bool IsWhiteSpace(char c) => throw new NotImplementedException();

    /// <summary>SiREN's normalisation: trim, collapse inner white-space runs to one space, remove one trailing ';'.</summary>
    public static string Normalise(string command) => throw new NotImplementedException();
}
