using Microsoft.Data.Sqlite;
using Websocketfy.SirenDemo.Engine;

namespace Websocketfy.Tests.SirenPeer;

/// <summary>A private in-memory database with the demo tables, and the peer's dispatcher over it.</summary>
internal sealed class SeededDatabase : IDisposable
{
    public SeededDatabase()
    {
        Connection = new SqliteConnection("Data Source=:memory:");
        Connection.Open();
        SeedData.Apply(Connection);
        Dispatcher = new CommandDispatcher(new SqliteStatementRunner(Connection.Handle!));
    }

    public SqliteConnection Connection { get; }

    public CommandDispatcher Dispatcher { get; }

    public long Scalar(string sql)
    {
        using SqliteCommand command = Connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Connection.Dispose();
}
