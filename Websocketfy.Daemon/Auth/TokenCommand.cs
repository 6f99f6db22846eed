using System.Buffers.Text;
using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Websocketfy.Daemon.Configuration;

namespace Websocketfy.Daemon.Auth;

/// <summary><c>websocketfy token new NAME ROLE</c>: a fresh random 256-bit token, printed once
/// (base64url), and the tokens-file line that holds only its SHA-256.</summary>
internal static class TokenCommand
{
    public const int TokenBytes = 32;

    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Who the token is for (letters, digits, _ - . @)." };
        var role = new Argument<string>("ROLE") { Description = "viewer, admin, files, or a role defined with --role." };
        var create = new Command("new", "Print a new random token once, and the line to add to the --tokens-file.") { name, role };
        create.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(role)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return new Command("token", "Bearer tokens for --auth token.") { create };
    }

    /// <summary>A token and its line; the random bytes come from the operating system's CSPRNG.</summary>
    public static (string Token, string Line) NewToken(string name, string role)
    {
        string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        return (token, $"{name} {role} {Digest(token)}");
    }

    /// <summary>The SHA-256 of a token's UTF-8 bytes as lower-case hex, as the tokens file holds it.</summary>
    public static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static int Run(string name, string role, TextWriter output, TextWriter error)
    {
        if (!TokenTable.IsValidName(name))
        {
            error.WriteLine($"{CommandLine.ErrorPrefix}'{name}' is not a token name (letters, digits, _ - . @, up to 64)");
            return ExitCodes.Usage;
        }
        if (!RoleTable.IsValidName(role))
        {
            error.WriteLine($"{CommandLine.ErrorPrefix}'{role}' is not a role name (letters, digits, _ - .)");
            return ExitCodes.Usage;
        }
        (string token, string line) = NewToken(name, role);
        output.WriteLine($"New token for {name} (role {role}). It is shown only now; hand it over privately:");
        output.WriteLine();
        output.WriteLine(token);
        output.WriteLine();
        output.WriteLine("Add this line to the tokens file (it holds the token's SHA-256, never the token), then send SIGHUP:");
        output.WriteLine();
        output.WriteLine(line);
        if (!RoleTable.IsBuiltIn(role))
        {
            output.WriteLine();
            output.WriteLine($"Role {role} is not built in: define it with --role {role}=PERMISSIONS or the daemon refuses the file.");
        }
        return ExitCodes.Ok;
    }
}
