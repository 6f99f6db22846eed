using System.Net;
using Websocketfy.Daemon.Ops;
using Websocketfy.Protocol.Access;
using Websocketfy.Protocol.Http;

namespace Websocketfy.Daemon.Auth;

/// <summary>The answer to "who is this client": an identity to open the connection with, or the
/// exact HTTP refusal to send instead of 101.</summary>
/// <param name="BlockStarted">This refusal was the one that blocked the address (worth a warning).</param>
/// <param name="Credential">The token that was accepted (null under --auth none), for re-checks after a reload.</param>
internal readonly record struct Admission(Identity? Identity, byte[]? Refusal, int Status, AuthFailure Failure, string Detail,
                                          CredentialCarrier Carrier, bool BlockStarted = false, string? Credential = null)
{
    public static Admission Admit(Identity identity, CredentialCarrier carrier, string? credential) =>
        new(identity, null, 101, AuthFailure.None, "", carrier, Credential: credential);
}

/// <summary>
/// Decides, before the upgrade, who a client is and whether it may connect: the brute-force brake
/// first (429), then the credential (401), then the role (403). With --auth none every client is
/// <see cref="Identity.Anonymous"/>. Counts every refusal by reason.
/// </summary>
internal sealed class AccessControl
{
    private readonly ICredentialValidator? _validator;
    private readonly Metrics _metrics;

    private AccessControl(AuthMode mode, ICredentialValidator? validator, RoleTable roles, AuthFailureLimiter limiter, Metrics metrics)
    {
        Mode = mode;
        _validator = validator;
        Roles = roles;
        Limiter = limiter;
        _metrics = metrics;
    }

    public AuthMode Mode { get; }
    public RoleTable Roles { get; }
    public AuthFailureLimiter Limiter { get; }

    /// <summary>Loads the tokens file or the JWT keys; throws <see cref="AuthSetupException"/> when they cannot be used.</summary>
    /// <param name="limiter">The brute-force brake; shared by the access controls a reload makes, so a reload does not forgive.</param>
    /// <param name="clock">What token lifetimes are checked against.</param>
    public static AccessControl Create(Configuration.GatewayOptions options, Metrics metrics, AuthFailureLimiter limiter, TimeProvider clock)
    {
        var roles = new RoleTable(options.Roles);
        ICredentialValidator? validator = options.Auth switch
        {
            AuthMode.Token => TokenFileValidator.Load(options.TokensFile!, roles),
            AuthMode.Jwt => JwtValidator.Load(new JwtRules(options.JwtKeys!, options.JwtIssuer!, options.JwtAudience!,
                                                           options.JwtNameClaim, options.JwtRoleClaim), clock),
            _ => null,
        };
        return new AccessControl(options.Auth, validator, roles, limiter, metrics);
    }

    /// <summary>A sentence for the start-up log.</summary>
    public string Describe() => _validator switch
    {
        TokenFileValidator tokens => $"authentication by token ({tokens.Count} tokens)",
        JwtValidator jwt => $"authentication by JWT ({jwt.KeyCount} keys)",
        _ => "no authentication: every client is admin",
    };

    public async ValueTask<Admission> AdmitAsync(RequestHead head, IPAddress client)
    {
        if (_validator is null) return Admission.Admit(Identity.Anonymous, CredentialCarrier.None, null);

        PresentedCredential credential = BearerCredential.Find(head);
        if (Limiter.IsBlocked(client, out TimeSpan retryAfter))
            return Refuse(AuthFailure.RateLimited, "too many failures from this address", credential.Carrier, 429, AuthResponses.TooManyFailures(retryAfter));
        if (!credential.Given)
            return Refuse(AuthFailure.Missing, "no credential", credential.Carrier, 401,
                AuthResponses.Unauthorized(false, "Authentication required: send a bearer token (Authorization header, access_token parameter or websocketfy_token cookie)."));
        if (credential.Malformed)
            return Failed(client, CredentialCheck.Refused(AuthFailure.Invalid, "malformed credential"), credential.Carrier);

        CredentialCheck check = await _validator.CheckAsync(credential.Token!).ConfigureAwait(false);
        if (check.Principal is not { } principal)
            return Failed(client, check, credential.Carrier);

        Identity identity = IdentityOf(principal, out string? unknown);
        if (identity.Permissions == Permissions.None)
        {
            string detail = principal.Roles.Count == 0 ? "no role" : unknown is not null ? $"unknown role {unknown}" : $"role {identity.Role} allows nothing";
            return Refuse(AuthFailure.Forbidden, $"{principal.Name}: {detail}", credential.Carrier, 403,
                AuthResponses.Forbidden("Your role may do nothing on this server."));
        }
        return Admission.Admit(identity, credential.Carrier, credential.Token);
    }

    /// <summary>The identity a token gives now (after a reload), or null when it gives none; counts nothing.</summary>
    public async ValueTask<Identity?> RecheckAsync(string token)
    {
        if (_validator is null) return null;
        CredentialCheck check = await _validator.CheckAsync(token).ConfigureAwait(false);
        if (check.Principal is not { } principal) return null;
        Identity identity = IdentityOf(principal, out _);
        return identity.Permissions == Permissions.None ? null : identity;
    }

    /// <summary>What the principal's roles allow under the roles in force; <paramref name="unknown"/> names a
    /// role the table does not know.</summary>
    private Identity IdentityOf(Principal principal, out string? unknown)
    {
        Permissions permissions = Roles.PermissionsOf(principal.Roles, out unknown);
        string role = principal.Roles.Count == 0 ? "(none)" : string.Join(',', principal.Roles);
        return new Identity(principal.Name, role, permissions, principal.ExpiresAt);
    }

    private Admission Failed(IPAddress client, CredentialCheck check, CredentialCarrier carrier)
    {
        bool blockStarted = Limiter.RecordFailure(client);
        string body = check.Failure == AuthFailure.Expired ? "The token has expired or is not valid yet." : "The token is not valid here.";
        return Refuse(check.Failure, check.Detail, carrier, 401, AuthResponses.Unauthorized(true, body)) with { BlockStarted = blockStarted };
    }

    private Admission Refuse(AuthFailure failure, string detail, CredentialCarrier carrier, int status, byte[] answer)
    {
        _metrics.AuthFailed(failure);
        return new Admission(null, answer, status, failure, detail, carrier);
    }
}
