using System.Net;
using System.Net.Sockets;
using Websocketfy.Load.Native;
using Websocketfy.Load.Wire;

namespace Websocketfy.Load.Workloads;

/// <summary>
/// Minimal servers, one blocking thread per connection, so that a round trip costs a recv and a
/// send on the server side and nothing else:
/// <list type="bullet">
/// <item>echo: the ping baseline (a 1-byte TCP round trip);</item>
/// <item>siren-stub: a SiREN-protocol peer that answers every command with the same 5-row reply and
/// its prompt in ONE write. SiREN (and samples/SirenDemo) writes body and prompt separately with
/// Nagle on, which costs a relay that does not re-arm TCP_QUICKACK (websockify) ~40 ms per reply;
/// against the stub every relay is measured on its own merits, and the peer costs next to nothing.</item>
/// </list>
/// </summary>
internal static class TinyServers
{
    private static readonly byte[] StubReply =
        "id, label, path\n1, normal, study1/img001.dcm\n2, nodule, study1/img002.dcm\n3, normal, study2/img001.dcm\n4, fracture, study2/img002.dcm\n5, nodule, study3/img001.dcm\nSiren::SQL> "u8.ToArray();

    public static int RunEcho(Options options) => Serve(options, stub: false);

    public static int RunSirenStub(Options options) => Serve(options, stub: true);

    private static int Serve(Options options, bool stub)
    {
        int port = options.Int("port");
        options.CheckAllRead();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Console.Error.WriteLine($"{(stub ? "siren stub" : "echo server")} on 127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
        while (true)
        {
            Socket client = listener.Accept();
            client.NoDelay = true;
            new Thread(() => { if (stub) AnswerLikeSiren(client); else Echo(client); }) { IsBackground = true, Name = "serve" }.Start();
        }
    }

    private static void AnswerLikeSiren(Socket client)
    {
        using (client)
        {
            int fd = (int)client.SafeHandle.DangerousGetHandle();
            if (!SendAll(fd, PromptTail.Prompt)) return;
            var buffer = new byte[65536];
            // As SiREN: whatever one read returns is one command.
            while (Libc.Receive(fd, buffer) > 0)
                if (!SendAll(fd, StubReply)) return;
        }
    }

    private static bool SendAll(int fd, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Libc.Send(fd, data);
            if (n <= 0) return false;
            data = data[n..];
        }
        return true;
    }

    private static void Echo(Socket client)
    {
        using (client)
        {
            int fd = (int)client.SafeHandle.DangerousGetHandle();
            var buffer = new byte[4096];
            while (true)
            {
                int n = Libc.Receive(fd, buffer);
                if (n <= 0 || !SendAll(fd, buffer.AsSpan(0, n))) return;
            }
        }
    }
}
