using System.Text;
using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Tests.Support;

namespace Websocketfy.Tests.Integration.Access;

/// <summary>Tokens for the built-in roles and one custom role that allows nothing, in a tokens file.</summary>
internal sealed class TokenSet : IDisposable
{
    private readonly TempTree _dir = new();

    public TokenSet()
    {
        var lines = new StringBuilder("# test tokens\n");
        foreach (string role in (string[])["viewer", "admin", "files", "nothing"])
        {
            var (token, line) = TokenCommand.NewToken(role + "-user", role);
            Tokens[role] = token;
            lines.Append(line).Append('\n');
        }
        Path = _dir.Write("tokens", Encoding.UTF8.GetBytes(lines.ToString()));
    }

    public Dictionary<string, string> Tokens { get; } = [];
    public string Path { get; }
    public string this[string role] => Tokens[role];

    /// <summary>Daemon options for --auth token with this file and --role nothing=.</summary>
    public GatewayOptions Configure(GatewayOptions options) => options with
    {
        Auth = AuthMode.Token,
        TokensFile = Path,
        Roles = [new RoleDefinition("nothing", Websocketfy.Protocol.Access.Permissions.None)],
    };

    public void Dispose() => _dir.Dispose();
}
