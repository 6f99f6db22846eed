namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>On/off settings. The spellings cover what config files and unit files commonly use.</summary>
internal static class SwitchSyntax
{
    private static readonly string[] OnWords = ["true", "yes", "on", "1"];
    private static readonly string[] OffWords = ["false", "no", "off", "0"];

    public static Parsed<bool> Parse(string text)
    {
        foreach (string word in OnWords)
        {
            if (text.Equals(word, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        foreach (string word in OffWords)
        {
            if (text.Equals(word, StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return Parsed<bool>.Fail($"'{text}' is not true or false (also yes/no, on/off, 1/0)");
    }

    public static string Format(bool value) => value ? "true" : "false";
}
