namespace Websocketfy.SirenDemo.Protocol;

/// <summary>What SiREN does in answer to one chunk.</summary>
/// <param name="Body">Text written before the prompt (empty for none).</param>
/// <param name="WritePrompt">Whether the prompt follows (not after a blank command).</param>
/// <param name="CloseConnection">QUIT: close the socket and write nothing.</param>
/// <param name="SizedInUtf16">A result set, which SiREN writes with its UTF-16 length (see
/// <see cref="SirenWire.EncodeBody"/>); error texts go out whole.</param>
internal readonly record struct SirenReply(string Body, bool WritePrompt, bool CloseConnection, bool SizedInUtf16 = false)
{
    public static SirenReply PromptOnly => new(string.Empty, true, false);

    public static SirenReply BareNewline => new("\n", false, false);

    public static SirenReply Close => new(string.Empty, false, true);

    public static SirenReply WithBody(string body) => new(body, true, false);

    /// <summary>Printed rows, cut short like SiREN's when they hold non-ASCII text.</summary>
    public static SirenReply ResultSet(string body) => new(body, true, false, SizedInUtf16: true);

    /// <summary>SiREN's parser/checker error: a headline, then one line per error.</summary>
    public static SirenReply Failed(params string[] errorLines) =>
        WithBody("Command failed.\n" + string.Concat(errorLines.Select(line => line + "\n")));

    /// <summary>SiREN's answer when executing the query threw.</summary>
    public static SirenReply Fatal => WithBody("Fatal error executing the query.\n");
}
