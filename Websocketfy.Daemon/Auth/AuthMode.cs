namespace Websocketfy.Daemon.Auth;

/// <summary>How clients prove who they are (--auth).</summary>
public enum AuthMode
{
    /// <summary>Nobody is asked; every client is "anonymous" with the admin role, as before authentication existed.</summary>
    None,
    /// <summary>Opaque bearer tokens whose SHA-256 is listed in --tokens-file.</summary>
    Token,
    /// <summary>JSON Web Tokens signed by a key of the --jwt-keys JWKS file.</summary>
    Jwt,
}
