namespace Websocketfy.Daemon.Configuration.Syntax;

/// <summary>Comma-separated lists of settings values: items trimmed, blank items skipped, the first bad
/// item refused with its own reason. An empty or blank text is an empty list.</summary>
internal static class ListSyntax
{
    public static Parsed<IReadOnlyList<T>> Parse<T>(string text, Func<string, Parsed<T>> parseItem)
    {
        var items = new List<T>();
        foreach (Range range in text.AsSpan().Split(','))
        {
            string item = text[range].Trim();
            if (item.Length == 0)
                continue;
            Parsed<T> parsed = parseItem(item);
            if (!parsed.Succeeded)
                return Parsed<IReadOnlyList<T>>.Fail(parsed.Problem!);
            items.Add(parsed.Value);
        }
        return items;
    }
}
