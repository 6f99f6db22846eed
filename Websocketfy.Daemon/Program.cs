using System.Collections;
using Websocketfy.Daemon;
using Websocketfy.Daemon.Configuration;
using Websocketfy.Daemon.Network;

// The environment as it was at start: a reload (SIGHUP) reads the config file again, but the
// environment it applies over it is the one the daemon was started with, as systemd set it.
var startEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
    startEnvironment[(string)variable.Key] = (string?)variable.Value ?? "";
string? GetStartEnvironment(string name) => startEnvironment.GetValueOrDefault(name);

// Before any socket exists: socket completions run on the engine threads, not handed to the pool (see SocketCompletions).
SocketCompletions.RunInlineUnlessConfigured();

// Entry point: the command line resolves the options (or exits with a usage/config error code),
// then the daemon runs until SIGTERM/SIGINT, reloading on SIGHUP with the same command line.
return await CommandLine.RunAsync(
    args,
    (options, stop) => DaemonHost.RunAsync(options, () => OptionsResolver.Resolve(args, GetStartEnvironment), stop, Console.Error),
    Console.Out, Console.Error, GetStartEnvironment).ConfigureAwait(false);
