using System.Runtime.CompilerServices;

// The test project checks the normaliser, lexer and formatter directly, without sockets.
[assembly: InternalsVisibleTo("Websocketfy.Tests")]
