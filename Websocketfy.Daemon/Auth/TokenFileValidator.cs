namespace Websocketfy.Daemon.Auth;

/// <summary>--auth token: checks presented tokens against the tokens file (a reload makes a new validator).</summary>
internal sealed class TokenFileValidator : ICredentialValidator
{
    private readonly TokenTable _table;

    private TokenFileValidator(TokenTable table) => _table = table;

    public int Count => _table.Count;

    /// <summary>Reads the file; throws <see cref="AuthSetupException"/> when it cannot be used.</summary>
    public static TokenFileValidator Load(string path, RoleTable roles) => new(Read(path, roles));

    public ValueTask<CredentialCheck> CheckAsync(string token)
    {
        TokenEntry? entry = _table.Find(token);
        return ValueTask.FromResult(entry is null
            ? CredentialCheck.Refused(AuthFailure.Invalid, "unknown token")
            : CredentialCheck.Valid(new Principal(entry.Name, [entry.Role], null)));
    }

    private static TokenTable Read(string path, RoleTable roles)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthSetupException($"tokens file {path} cannot be read: {ex.Message}");
        }
        try { return TokenTable.Parse(text, path, roles.Contains); }
        catch (FormatException ex) { throw new AuthSetupException("tokens file " + ex.Message); }
    }
}

/// <summary>The tokens file or the JWT keys cannot be used; the message is one line for stderr or the log.</summary>
internal sealed class AuthSetupException(string message) : Exception(message);
