using System.Text.Json.Nodes;

namespace Websocketfy.Tests.Browser;

/// <summary>The steps browser.mjs's websocket scenario runs in the page, one WebSocket, in order.</summary>
internal static class WebSocketSteps
{
    /// <summary>Sends <paramref name="command"/>; the page reports the reply's opcode and, as asked, its
    /// SHA-256, its size decoded as an image of type <paramref name="decodeImage"/>, or its text.</summary>
    public static JsonObject Send(string command, bool binary = false, bool sha256 = false, string? decodeImage = null, bool asText = false)
    {
        var step = new JsonObject { ["command"] = command, ["binary"] = binary, ["sha256"] = sha256, ["asText"] = asText };
        if (decodeImage is not null) step["decodeImage"] = decodeImage;
        return step;
    }

    /// <summary>Sends all the commands before reading any reply.</summary>
    public static JsonObject Pipeline(params JsonObject[] commands) => new() { ["pipeline"] = new JsonArray([.. commands]) };

    /// <summary>Sends QUIT and reports the close the page sees.</summary>
    public static JsonObject Quit() => new() { ["quit"] = true };

    /// <summary>Reports the page's protocol, the socket's URL and whether the page is a secure context.</summary>
    public static JsonObject Where() => new() { ["where"] = true };
}
