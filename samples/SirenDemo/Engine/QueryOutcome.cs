namespace Websocketfy.SirenDemo.Engine;

/// <summary>How running one SELECT on SQLite ended.</summary>
internal enum QueryOutcome
{
    /// <summary>All rows were read.</summary>
    Completed,

    /// <summary>
    /// SQLite refused the statement before any row: a syntax error, an unknown table, several
    /// statements at once, or a failure at the first step. SiREN answers with the prompt alone.
    /// </summary>
    Rejected,

    /// <summary>Execution failed after rows had started to come: SiREN's "Fatal error".</summary>
    FailedMidway,
}
