using System.Text;

namespace Websocketfy.SirenDemo.Protocol;

/// <summary>The fixed bytes of SiREN's wire protocol and its reply-length quirk.</summary>
internal static class SirenWire
{
    /// <summary>The prompt SiREN writes on connect and after every answered command.</summary>
    public static ReadOnlySpan<byte> Prompt => "Siren::SQL> "u8;

    /// <summary>What SiREN answers to a command that is blank after normalising.</summary>
    public static ReadOnlySpan<byte> BareNewline => "\n"u8;

    /// <summary>The one received chunk SiREN ignores outright (answering with the prompt).</summary>
    public static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Encodes a reply body the way SiREN puts it on the wire: UTF-8 bytes, but only as many
    /// of them as the text has UTF-16 code units, because SiREN passes the QString's length to
    /// the socket write instead of the byte array's. Non-ASCII text therefore loses its last
    /// bytes (transcript 15: "café, ok\n" loses the final "\n").
    /// </summary>
    public static byte[] EncodeBody(SirenReply reply) =>
        reply.SizedInUtf16 ? EncodeBody(reply.Body) : Encoding.UTF8.GetBytes(reply.Body);

    /// <summary>The bytes of a result set as SiREN writes them (cut to the text's UTF-16 length).</summary>
    public static byte[] EncodeBody(string body)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(body);
        return utf8.Length > body.Length ? utf8.AsSpan(0, body.Length).ToArray() : utf8;
    }
}
