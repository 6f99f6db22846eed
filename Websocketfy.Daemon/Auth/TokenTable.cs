using System.Security.Cryptography;
using System.Text;

namespace Websocketfy.Daemon.Auth;

/// <summary>One line of the tokens file: who, which role, and the SHA-256 of the token (never the token).</summary>
internal sealed record TokenEntry(string Name, string Role, byte[] Digest);

/// <summary>
/// An immutable snapshot of the tokens file (<c>NAME ROLE SHA256-HEX</c> lines, <c>#</c> comments).
/// A presented token is hashed and compared with every entry in constant time, without stopping at a
/// match, so neither the comparison nor the number of comparisons tells how close a guess was.
/// </summary>
internal sealed class TokenTable
{
    private readonly TokenEntry[] _entries;

    private TokenTable(TokenEntry[] entries) => _entries = entries;

    public int Count => _entries.Length;

    /// <summary>The entry whose digest is the SHA-256 of <paramref name="token"/>'s UTF-8 bytes, or null.</summary>
    public TokenEntry? Find(string token)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), digest);
        TokenEntry? match = null;
        foreach (TokenEntry entry in _entries)
        {
            // No early exit: every entry is compared whatever the outcome.
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest)) match ??= entry;
        }
        return match;
    }

    /// <summary>Reads the file's text. Every complaint names the file and line ("tokens:3: ...").</summary>
    /// <param name="isKnownRole">Whether a role name exists (built in or --role).</param>
    public static TokenTable Parse(string text, string fileName, Func<string, bool> isKnownRole)
    {
        var entries = new List<TokenEntry>();
        var lineOfDigest = new Dictionary<string, int>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (ReadOnlySpan<char> rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            ReadOnlySpan<char> line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#') continue;
            string where = $"{fileName}:{lineNumber}";
            string[] fields = line.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3)
                throw new FormatException($"{where}: expected 'NAME ROLE SHA256-HEX', found {fields.Length} field(s)");
            (string name, string role, string hex) = (fields[0], fields[1], fields[2]);
            if (!IsValidName(name))
                throw new FormatException($"{where}: '{Shown(name)}' is not a name (letters, digits and _ - . @, up to 64)");
            if (!RoleTable.IsValidName(role))
                throw new FormatException($"{where}: '{Shown(role)}' is not a role name");
            if (!isKnownRole(role))
                throw new FormatException($"{where}: unknown role '{role}' (built in: viewer, admin, files; more with --role)");
            if (hex.Length != SHA256.HashSizeInBytes * 2 || !IsHex(hex))
                throw new FormatException($"{where}: the third field must be the token's SHA-256 as 64 hex digits "
                    + "(the file never holds the token itself; 'websocketfy token new NAME ROLE' prints the line)");
            string key = hex.ToLowerInvariant();
            if (lineOfDigest.TryGetValue(key, out int earlier))
                throw new FormatException($"{where}: the same token hash as line {earlier}");
            lineOfDigest[key] = lineNumber;
            entries.Add(new TokenEntry(name, role, Convert.FromHexString(hex)));
        }
        return new TokenTable([.. entries]);
    }

    /// <summary>Names that fit one field of the file and one log or audit value: no white space, no quotes.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 64) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@')) return false;
        }
        return true;
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
