using System.Diagnostics.CodeAnalysis;
using Websocketfy.Daemon.Configuration.Syntax;

namespace Websocketfy.Daemon.Configuration;

/// <summary>One operator-facing setting: its name in every place it can be given (--key on the command line,
/// WEBSOCKETFY_KEY in the environment, "key = value" in websocketfy.conf), its help text, and how its text
/// becomes part of <see cref="GatewayOptions"/>.</summary>
internal abstract class Setting
{
    /// <summary>The long option name without dashes, e.g. "max-message-size".</summary>
    public required string Key { get; init; }

    /// <summary>The placeholder shown in --help, e.g. "SIZE".</summary>
    public required string ValueName { get; init; }

    /// <summary>What the setting does and its units, as one or two sentences for --help.</summary>
    public required string Description { get; init; }

    /// <summary>Shown instead of the formatted default where the bare value would not say enough.</summary>
    public string? DefaultNote { get; init; }

    /// <summary>Given several times in one place (command line or file), the values add up instead of
    /// being refused as a duplicate; a higher-precedence place still replaces them all.</summary>
    public abstract bool Accumulates { get; }

    /// <summary>Given on the command line without a value, the option means this text ("--require-origin").</summary>
    public string? ImpliedValue { get; init; }

    /// <summary>A new value read on SIGHUP takes effect for new work at once. False (the default, the safe
    /// side for a setting nobody taught the reload about): a changed value is logged as needing a restart
    /// and the running value is kept.</summary>
    public bool ReloadsLive { get; init; }

    public string OptionName => "--" + Key;

    public string EnvironmentVariable => EnvironmentVariablePrefix + Key.ToUpperInvariant().Replace('-', '_');

    public const string EnvironmentVariablePrefix = "WEBSOCKETFY_";

    /// <summary>Reads <paramref name="text"/> and stores it in <paramref name="options"/>; on failure leaves
    /// the options alone and says why, without saying where the text came from.</summary>
    public abstract bool TryApply(string text, ref GatewayOptions options, [NotNullWhen(false)] out string? problem);

    /// <summary>The current value, spelled so that <see cref="TryApply"/> reads it back unchanged.</summary>
    public abstract string Format(GatewayOptions options);

    /// <summary>Clears what earlier places contributed to an accumulating setting.</summary>
    public abstract GatewayOptions Reset(GatewayOptions options);

    /// <summary><paramref name="into"/> with this setting's value taken from <paramref name="from"/>.</summary>
    public abstract GatewayOptions CopyValue(GatewayOptions from, GatewayOptions into);

    public string DefaultText => DefaultNote ?? Format(new GatewayOptions());
}

/// <summary>A setting whose text is read into a value of type <typeparamref name="T"/>.</summary>
internal sealed class Setting<T> : Setting
{
    public required Func<string, Parsed<T>> Parse { get; init; }
    public required Func<GatewayOptions, T> Get { get; init; }
    public required Func<GatewayOptions, T, GatewayOptions> Set { get; init; }
    public required Func<T, string> FormatValue { get; init; }

    /// <summary>For settings that accumulate: joins what is already there with a new value.</summary>
    public Func<T, T, T>? Combine { get; init; }

    public override bool Accumulates => Combine is not null;

    public override bool TryApply(string text, ref GatewayOptions options, [NotNullWhen(false)] out string? problem)
    {
        Parsed<T> parsed = Parse(text);
        if (parsed.Problem is not null)
        {
            problem = parsed.Problem;
            return false;
        }
        problem = null;
        options = Set(options, Combine is null ? parsed.Value : Combine(Get(options), parsed.Value));
        return true;
    }

    public override string Format(GatewayOptions options) => FormatValue(Get(options));

    public override GatewayOptions Reset(GatewayOptions options) => Set(options, Get(new GatewayOptions()));

    public override GatewayOptions CopyValue(GatewayOptions from, GatewayOptions into) => Set(into, Get(from));
}
