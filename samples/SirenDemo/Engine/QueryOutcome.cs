namespace Websocketfy.SirenDemo.Engine;

/// <summary>How running one SELECT on SQLite ended.</summary>
internal enum QueryOutcome
{
    /// <summary>All rows were read, or those before a failure in the middle (SiREN shows them).</summary>
    Completed,

    /// <summary>
    /// SQLite refused the statement before any row: a syntax error, an unknown table, several
    /// statements at once, or a failure at the first step. SiREN answers with the prompt alone.
    /// </summary>
    Rejected,
}
