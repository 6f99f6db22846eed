using Websocketfy.Daemon;

// Entry point: the command line resolves the options (or exits with a usage/config error code),
// then the daemon runs until SIGTERM/SIGINT.
return await Websocketfy.Daemon.Configuration.CommandLine.RunAsync(
    args,
    (options, stop) => DaemonHost.RunAsync(options, stop, Console.Error),
    Console.Out, Console.Error, Environment.GetEnvironmentVariable).ConfigureAwait(false);
