using Websocketfy.Daemon.Auth;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Daemon.Configuration;

/// <summary>The authentication settings that only make sense together: each mode needs its files and
/// names, and a file of another mode is refused rather than silently ignored (an operator who set
/// --tokens-file but forgot --auth token must not believe the port is protected).</summary>
internal static class AuthOptionsCheck
{
    public static string? Problem(GatewayOptions options)
    {
        if (RoleSyntax.Duplicate(options.Roles) is string twice)
            return $"--role: role '{twice}' is defined twice";
        switch (options.Auth)
        {
            case AuthMode.Token when options.TokensFile is null:
                return "--auth token needs --tokens-file FILE";
            case AuthMode.Jwt when options.JwtKeys is null:
                return "--auth jwt needs --jwt-keys FILE (a JWKS file)";
            case AuthMode.Jwt when options.JwtIssuer is null:
                return "--auth jwt needs --jwt-issuer (the iss tokens must carry)";
            case AuthMode.Jwt when options.JwtAudience is null:
                return "--auth jwt needs --jwt-audience (the aud tokens must carry)";
        }
        if (options.Auth != AuthMode.Token && options.TokensFile is not null)
            return "--tokens-file is only used with --auth token";
        if (options.Auth != AuthMode.Jwt && (options.JwtKeys ?? options.JwtIssuer ?? options.JwtAudience) is not null)
            return "--jwt-keys, --jwt-issuer and --jwt-audience are only used with --auth jwt";
        return null;
    }
}
