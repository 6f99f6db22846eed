using System.Runtime.InteropServices;
using Websocketfy.SirenDemo;

// siren-demo: the SiREN-protocol demo backend. Ctrl+C or SIGTERM stops it.
using var stop = new CancellationTokenSource();
using PosixSignalRegistration onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return await DemoProgram.RunAsync(args, Console.Error, stop.Token);

void Stop(PosixSignalContext context)
{
    // Handled here: the server closes its sockets before the process exits.
    context.Cancel = true;
    stop.Cancel();
}
